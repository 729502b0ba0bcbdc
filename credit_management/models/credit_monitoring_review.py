from datetime import timedelta

from odoo import api, fields, models


class CreditMonitoringReview(models.AbstractModel):
    """The review scheduler (P3.1.2 at least yearly, P4.2.1 quarterly): customers whose next
    review falls within the company's notice get a periodic assessment, prefilled and
    assigned to their salesperson with an activity."""

    _name = "credit.monitoring.review"
    _inherit = "credit.monitoring"
    _description = "Credit Monitoring: Review Scheduler"

    @api.model
    def _cron_review_scheduler(self, batch_size=100):
        """Daily cron: a customer with an open assessment is not work any more."""

        def process(company, partners):
            for partner in partners:
                self._schedule_review(partner, company)

        return self._run_in_batches(self._reviews_to_schedule, process, batch_size)

    @api.model
    def _reviews_to_schedule(self, company):
        """Customers of ``company`` due for review within the notice and without an open
        assessment: two queries."""
        horizon = fields.Date.context_today(self) + timedelta(
            days=company.credit_review_notice_days
        )
        due = (
            self.env["res.partner"]
            .sudo()
            .with_company(company)
            .search([("credit_next_review_date", "<=", horizon)], order="id")
        )
        busy = {
            partner.id
            for [partner] in self.env["credit.assessment"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "in", due.ids),
                    ("state", "in", ("draft", "submitted", "review")),
                ],
                ["partner_id"],
            )
        }
        return due.filtered(lambda p: p.id not in busy)

    @api.model
    def _schedule_review(self, partner, company):
        partner = partner.with_company(company)
        last = partner.credit_assessment_id
        user = partner.user_id or company._credit_controller()
        assessment = (
            self.env["credit.assessment"]
            .with_company(company)
            ._credit_workflow_create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "type": "periodic",
                    "user_id": user.id,
                    "review_due_date": partner.credit_next_review_date,
                    "requested_limit": partner.credit_limit,
                    "requested_payment_term_id": partner.property_payment_term_id.id,
                    "annual_revenue": last.annual_revenue,
                    "years_in_business": last.years_in_business,
                    "employees": last.employees,
                }
            )
        )
        assessment.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=partner.credit_next_review_date,
            user_id=user.id,
            summary=self.env._(
                "Periodic credit review of %(partner)s due on %(date)s",
                partner=partner.display_name,
                date=fields.Date.to_string(partner.credit_next_review_date),
            ),
        )
        return assessment
