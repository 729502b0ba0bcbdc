from odoo import api, fields, models

from .credit_common import CREDIT_READERS
from .credit_decision import DECISION_LEVELS


class CreditCheckSummary(models.AbstractModel):
    """What the credit check says about the customer of a record, before anyone acts: the
    quotation banner and the CRM opportunity summary. Models give the decision in
    :meth:`_credit_check_decision` and declare what the compute depends on."""

    _name = "credit.check.summary"
    _description = "Credit Check Summary"

    credit_check_currency_id = fields.Many2one(
        "res.currency", compute="_compute_credit_check_currency_id", string="Credit Currency"
    )
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
        currency_field="credit_check_currency_id",
        compute="_compute_credit_check",
        groups=CREDIT_READERS,
    )
    credit_check_overdue = fields.Monetary(
        string="Customer Overdue",
        currency_field="credit_check_currency_id",
        compute="_compute_credit_check",
        groups=CREDIT_READERS,
    )

    # P4.1.4: the assessment in force for the customer, shown on its quotations and orders
    credit_assessment_id = fields.Many2one(
        "credit.assessment",
        string="Assessment in Force",
        compute="_compute_credit_assessment",
        groups=CREDIT_READERS,
    )
    credit_assessment_rating_id = fields.Many2one(
        "credit.rating",
        string="Customer Rating",
        compute="_compute_credit_assessment",
        groups=CREDIT_READERS,
    )
    credit_assessment_limit = fields.Monetary(
        string="Customer Credit Limit",
        currency_field="credit_check_currency_id",
        compute="_compute_credit_assessment",
        groups=CREDIT_READERS,
    )
    credit_assessment_valid_until = fields.Date(
        string="Valid Until",
        compute="_compute_credit_assessment",
        groups=CREDIT_READERS,
        help="The customer's next credit review: the assessment holds until then.",
    )

    def _credit_summary_partner(self):
        return self.partner_id.commercial_partner_id

    @api.depends("partner_id", "company_id")
    def _compute_credit_assessment(self):
        for record in self:
            company = record.company_id or self.env.company
            partner = record._credit_summary_partner().with_company(company).sudo()
            assessment = partner.credit_assessment_id
            record.update(
                {
                    "credit_assessment_id": assessment.id,
                    "credit_assessment_rating_id": partner.credit_rating_id.id,
                    "credit_assessment_limit": partner.credit_limit if assessment else 0.0,
                    "credit_assessment_valid_until": partner.credit_next_review_date
                    if assessment
                    else False,
                }
            )

    @api.depends("company_id")
    def _compute_credit_check_currency_id(self):
        for record in self:
            record.credit_check_currency_id = (record.company_id or self.env.company).currency_id

    def _credit_check_decision(self):
        """The decision to show for this record, or None when there is nothing to show."""
        raise NotImplementedError()

    def _compute_credit_check(self):
        for record in self:
            decision = record._credit_check_decision()
            if not decision:
                record.update(
                    {
                        "credit_check_level": False,
                        "credit_check_message": False,
                        "credit_check_available": 0.0,
                        "credit_check_overdue": 0.0,
                    }
                )
                continue
            limit, exposure = decision["limit"], decision["exposure"]
            record.update(
                {
                    "credit_check_level": decision["level"],
                    "credit_check_message": decision["message"],
                    "credit_check_available": limit - exposure["total"] if limit > 0 else 0.0,
                    "credit_check_overdue": exposure["overdue"],
                }
            )
