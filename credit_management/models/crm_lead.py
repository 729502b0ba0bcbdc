from odoo import api, fields, models
from odoo.exceptions import UserError

from .credit_decision import DECISION_LEVELS
from .res_partner import CREDIT_READERS


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # The customer's credit at a glance, as the quotation banner shows it, for the expected
    # revenue of the opportunity.
    credit_check_level = fields.Selection(
        DECISION_LEVELS,
        string="Credit Check Result",
        compute="_compute_credit_check",
        groups=CREDIT_READERS,
    )
    credit_check_message = fields.Text(
        string="Credit Check Explanation", compute="_compute_credit_check", groups=CREDIT_READERS
    )
    credit_check_available = fields.Monetary(
        string="Customer Available Credit",
        currency_field="company_currency",
        compute="_compute_credit_check",
        groups=CREDIT_READERS,
    )
    credit_check_overdue = fields.Monetary(
        string="Customer Overdue",
        currency_field="company_currency",
        compute="_compute_credit_check",
        groups=CREDIT_READERS,
    )

    @api.depends("partner_id", "company_id", "expected_revenue", "type")
    def _compute_credit_check(self):
        Decision = self.env["credit.decision"]
        for lead in self:
            company = lead.company_id or self.env.company
            values = {
                "credit_check_level": False,
                "credit_check_message": False,
                "credit_check_available": 0.0,
                "credit_check_overdue": 0.0,
            }
            if (
                lead.type == "opportunity"
                and lead.partner_id
                and company.sudo().credit_control_enabled
            ):
                decision = Decision._decide(
                    lead.partner_id, lead.expected_revenue, company, document=lead
                )
                values.update(
                    credit_check_level=decision["level"],
                    credit_check_message=decision["message"],
                    credit_check_available=decision["limit"] - decision["exposure"]["total"]
                    if decision["limit"] > 0
                    else 0.0,
                    credit_check_overdue=decision["exposure"]["overdue"],
                )
            lead.update(values)

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
