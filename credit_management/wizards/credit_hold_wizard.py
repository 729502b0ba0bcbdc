from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.credit_common import CREDIT_STATUSES, credit_notification


class CreditHoldWizard(models.TransientModel):
    """Finance changes a customer's credit status or credit limit, always with a reason that
    stays in the customer's chatter and in the credit history (placing on hold, blocking,
    lifting a hold, putting on watch, raising or lowering the limit)."""

    _name = "credit.hold.wizard"
    _description = "Change Customer Credit Status"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        ondelete="cascade",
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, readonly=True
    )
    change = fields.Selection(
        [("status", "Credit Status"), ("limit", "Credit Limit")],
        required=True,
        default="status",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    current_status = fields.Selection(CREDIT_STATUSES, compute="_compute_current")
    current_limit = fields.Monetary(compute="_compute_current")
    new_status = fields.Selection(CREDIT_STATUSES)
    new_limit = fields.Monetary()
    reason = fields.Text(required=True)

    @api.depends("partner_id", "company_id")
    def _compute_current(self):
        for wizard in self:
            partner = wizard.partner_id.with_company(wizard.company_id).sudo()
            partner = partner.commercial_partner_id
            wizard.current_status = partner.credit_status or "not_assessed"
            wizard.current_limit = partner.credit_limit

    def action_confirm(self):
        self.ensure_one()
        if not (self.reason or "").strip():
            raise UserError(self.env._("Please give the reason for this credit change."))
        partner = self.partner_id.commercial_partner_id.with_company(self.company_id)
        if self.change == "limit":
            if self.currency_id.compare_amounts(self.new_limit, self.current_limit) == 0:
                raise UserError(
                    self.env._(
                        "%(partner)s already has this credit limit.", partner=partner.display_name
                    )
                )
            body = partner._credit_set_limit(self.new_limit, self.reason)
            return credit_notification(self.env._("Credit profile changed"), body, then="close")
        if not self.new_status:
            raise UserError(self.env._("Choose the new credit status."))
        if self.new_status == self.current_status:
            raise UserError(
                self.env._(
                    "%(partner)s already has this credit status.", partner=partner.display_name
                )
            )
        partner._credit_set_status(self.new_status, self.reason)
        body = self.env._(
            "Credit status changed to %(status)s in %(company)s. Reason: %(reason)s",
            status=dict(self._fields["new_status"]._description_selection(self.env))[
                self.new_status
            ],
            company=self.company_id.name,
            reason=self.reason,
        )
        return credit_notification(self.env._("Credit profile changed"), body, then="close")
