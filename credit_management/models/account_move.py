from odoo import fields, models

from .sale_order import CREDIT_RELEASE_READERS


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ("account.move", "credit.controlled.document")
    _credit_release_field = "move_id"

    credit_release_ids = fields.One2many(
        "credit.release", "move_id", string="Credit Releases", groups=CREDIT_RELEASE_READERS
    )

    # ------------------------------------------------------------------------------------------
    # credit.controlled.document hooks
    # ------------------------------------------------------------------------------------------
    def _credit_is_controlled(self):
        company = self.company_id.sudo()
        return (
            self.move_type == "out_invoice"
            and self.state == "draft"
            and company.credit_control_enabled
            and company.credit_check_invoices
        )

    def _credit_partner(self):
        return self.commercial_partner_id

    def _credit_company(self):
        return self.company_id

    def _credit_is_pending(self):
        return self.state == "draft"

    def _credit_amount(self):
        """The new credit of the invoice: its lines that do not invoice a confirmed sale order
        (those were checked, or released, when the order was confirmed), in company
        currency."""
        lines = self.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        total = sum(lines.mapped("price_total"))
        if not total:
            return 0.0
        new = sum(
            line.price_total
            for line in lines
            if not line.sale_line_ids.filtered(lambda sol: sol.order_id.state == "sale")
        )
        return abs(self.amount_total_signed) * new / total

    def _credit_counted(self):
        # a draft invoice is already in the exposure when the company counts drafts
        if self.state == "draft" and self.company_id.sudo().credit_include_draft_invoices:
            return self._credit_amount()
        return 0.0

    def _credit_salesperson(self):
        return self.invoice_user_id

    def _credit_exempt(self):
        return self.company_id.currency_id.compare_amounts(self._credit_amount(), 0.0) <= 0

    def _credit_proceed(self):
        return super().action_post()

    # ------------------------------------------------------------------------------------------
    # Posting goes through the credit check when the company asks for it
    # ------------------------------------------------------------------------------------------
    def action_post(self):
        if not self._credit_held_by_hand() and not any(
            move._credit_is_controlled() for move in self
        ):
            return super().action_post()
        return self._credit_process()
