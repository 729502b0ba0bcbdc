from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from .credit_common import ANALYST, AUDITOR
from .credit_guarded import is_credit_workflow

CREDIT_RELEASE_READERS = f"{ANALYST},{AUDITOR}"
# Cursor cache key: ids of the orders that passed the credit check in this transaction and may
# be written to state "sale" (anything else writing that state would go around the check).
CHECKED_ORDERS = "credit_management.checked_orders"


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ("sale.order", "credit.controlled.document", "credit.check.summary")
    _credit_release_field = "order_id"

    credit_release_ids = fields.One2many(
        "credit.release", "order_id", string="Credit Releases", groups=CREDIT_RELEASE_READERS
    )

    @api.depends(
        "partner_id", "company_id", "amount_total", "currency_id", "state", "credit_hold_state"
    )
    def _compute_credit_check(self):
        return super()._compute_credit_check()

    def _credit_check_decision(self):
        """What the credit check would say now, for the quotation banner."""
        company = self.company_id or self.env.company
        if not self.partner_id:
            return None
        if self.state not in ("draft", "sent") and self.credit_hold_state != "held":
            return None
        if not company.sudo().credit_control_enabled:
            return None
        return self.with_company(company)._credit_decide()

    # ------------------------------------------------------------------------------------------
    # credit.controlled.document hooks
    # ------------------------------------------------------------------------------------------
    def _credit_summary_partner(self):
        return self._credit_partner()

    def _credit_partner(self):
        return (
            self.partner_invoice_id.commercial_partner_id or self.partner_id.commercial_partner_id
        )

    def _credit_company(self):
        return self.company_id or self.env.company

    def _credit_is_pending(self):
        return self.state in ("draft", "sent")

    def _credit_counted(self):
        # a confirmed order is already in the exposure when the company counts orders
        if self.state == "sale" and self._credit_company().sudo().credit_include_uninvoiced_orders:
            return self._credit_amount()
        return 0.0

    def _credit_amount(self):
        company = self._credit_company()
        return self.currency_id._convert(
            self.amount_total, company.currency_id, company, fields.Date.context_today(self)
        )

    def _credit_salesperson(self):
        return self.user_id

    def _credit_exempt(self):
        """Paid in full online before confirmation: no credit is extended."""
        return bool(
            self.amount_total > 0
            and self.currency_id.compare_amounts(self.amount_paid, self.amount_total) >= 0
        )

    def _credit_proceed(self):
        checked = self.env.cr.cache.setdefault(CHECKED_ORDERS, set())
        checked.update(self.ids)
        try:
            return super().action_confirm()
        finally:
            checked.difference_update(self.ids)

    # ------------------------------------------------------------------------------------------
    # Confirmation goes through the credit check
    # ------------------------------------------------------------------------------------------
    def action_confirm(self):
        for order in self:
            error = order._confirmation_error_message()
            if error:
                raise UserError(error)
        return self._credit_process()

    # ------------------------------------------------------------------------------------------
    # A confirmed order raised afterwards: the increase goes through the check
    # ------------------------------------------------------------------------------------------
    def _credit_amounts_before_change(self):
        """``{order: amount}`` of the confirmed, controlled orders, before lines change."""
        orders = self.filtered(lambda o: o.state == "sale" and o._credit_is_controlled())
        return {order: order._credit_amount() for order in orders}

    def _credit_check_increase(self, before):
        """After lines were added or raised on confirmed orders: decide on the increase of each
        order; a blocked increase holds the order (it cannot be invoiced) until finance
        releases it, with the same explanation and release path as a quotation."""
        for order, old_amount in before.items():
            increase = order._credit_amount() - old_amount
            currency = order._credit_company().currency_id
            if currency.compare_amounts(increase, 0.0) < 0 and order.credit_hold_state in (
                "held",
                "rejected",
            ):
                order._credit_check_decrease()
                continue
            if currency.compare_amounts(increase, 0.0) <= 0 or order._credit_release_covers():
                continue
            self.env["credit.decision"]._lock_partners(order._credit_partner())
            counted = increase if order._credit_counted() else 0.0
            decision = order._credit_decide(amount=increase, counted=counted)
            if decision["level"] == "block":
                order._credit_hold(decision)
            elif decision["level"] == "warn":
                order.sudo().message_post(body=plaintext2html(decision["message"]))

    def _credit_check_decrease(self):
        """A held or rejected confirmed order lowered again: released by itself when the order
        as it stands passes the credit check (finance's holds by hand stay)."""
        self.ensure_one()
        if self._credit_held_by_hand():
            return
        if self._credit_decide()["level"] != "block":
            self._credit_clear_hold()

    def _create_invoices(self, grouped=False, final=False, date=None):
        held = self.filtered(lambda o: o.credit_hold_state in ("held", "rejected"))
        if held:
            raise UserError(
                self.env._(
                    "%(orders)s waits for finance's credit release: it cannot be invoiced yet.",
                    orders=", ".join(held.mapped("name")),
                )
            )
        return super()._create_invoices(grouped=grouped, final=final, date=date)

    def _check_credit_confirmation_write(self, vals, create=False):
        if vals.get("state") != "sale" or is_credit_workflow(self.env):
            return
        checked = self.env.cr.cache.get(CHECKED_ORDERS, set())
        if create or set(self.ids) - checked:
            raise UserError(
                self.env._(
                    "Sales orders are confirmed with the Confirm button, which checks the "
                    "customer's credit."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_credit_confirmation_write(vals, create=True)
        return super().create(vals_list)

    def write(self, vals):
        self._check_credit_confirmation_write(vals)
        return super().write(vals)

    def action_report_credit_event(self):
        self.ensure_one()
        return self.partner_id.commercial_partner_id._credit_event_form_action(
            {
                "default_source_ref": f"sale.order,{self.id}",
                "default_company_id": self.company_id.id,
                "default_amount": self.amount_total,
                "default_user_id": self.user_id.id,
            }
        )
