from odoo import api, models
from odoo.exceptions import UserError


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ("crm.lead", "credit.check.summary")

    @api.depends("partner_id", "company_id", "expected_revenue", "type")
    def _compute_credit_check(self):
        return super()._compute_credit_check()

    def _credit_check_decision(self):
        """The customer's credit at a glance for the expected revenue of the opportunity."""
        company = self.company_id or self.env.company
        if self.type != "opportunity" or not self.partner_id:
            return None
        if not company.sudo().credit_control_enabled:
            return None
        return self.env["credit.decision"]._decide(self.partner_id, self.expected_revenue, company)

    def action_request_credit_assessment(self):
        """Open a new credit assessment for the opportunity's customer, prefilled."""
        self.ensure_one()
        if not self.partner_id:
            raise UserError(self.env._("Set the customer of the opportunity first."))
        partner = self.partner_id.commercial_partner_id
        return partner._credit_assessment_form_action(
            {
                "default_lead_id": self.id,
                "default_requested_limit": self.expected_revenue,
                "default_company_id": (self.company_id or self.env.company).id,
            }
        )

    def action_credit_invite_to_apply(self):
        self.ensure_one()
        if not self.partner_id:
            raise UserError(self.env._("Set the customer of the opportunity first."))
        return self.partner_id.action_credit_invite_to_apply()

    def action_report_credit_event(self):
        self.ensure_one()
        if not self.partner_id:
            raise UserError(self.env._("Set the customer of the opportunity first."))
        return self.partner_id.commercial_partner_id._credit_event_form_action(
            {
                "default_source_ref": f"crm.lead,{self.id}",
                "default_company_id": (self.company_id or self.env.company).id,
                "default_user_id": self.user_id.id,
            }
        )
