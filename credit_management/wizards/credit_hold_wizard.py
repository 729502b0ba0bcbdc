from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.res_partner import CREDIT_STATUSES, HOLD_STATUSES


class CreditHoldWizard(models.TransientModel):
    """Finance changes a customer's credit status, always with a reason that stays in the
    customer's chatter (placing on hold, blocking, lifting a hold, putting on watch)."""

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
    current_status = fields.Selection(CREDIT_STATUSES, compute="_compute_current_status")
    new_status = fields.Selection(CREDIT_STATUSES, required=True)
    reason = fields.Text(required=True)

    @api.depends("partner_id", "company_id")
    def _compute_current_status(self):
        for wizard in self:
            partner = wizard.partner_id.with_company(wizard.company_id).sudo()
            wizard.current_status = partner.commercial_partner_id.credit_status or "not_assessed"

    def action_confirm(self):
        self.ensure_one()
        if not self.reason.strip():
            raise UserError(self.env._("Please give the reason for this credit status change."))
        partner = self.partner_id.commercial_partner_id.with_company(self.company_id)
        if self.new_status == self.current_status:
            raise UserError(
                self.env._(
                    "%(partner)s already has this credit status.", partner=partner.display_name
                )
            )
        status_label = dict(self._fields["new_status"]._description_selection(self.env))[
            self.new_status
        ]
        partner.with_context(credit_change_reason=self.reason).write(
            {
                "credit_status": self.new_status,
                "credit_hold_reason": self.reason if self.new_status in HOLD_STATUSES else False,
            }
        )
        partner.message_post(
            body=self.env._(
                "Credit status changed to %(status)s in %(company)s. Reason: %(reason)s",
                status=status_label,
                company=self.company_id.name,
                reason=self.reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_window_close"}
