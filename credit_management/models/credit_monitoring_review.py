from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from .credit_assessment import FULL_TYPES


class CreditMonitoringReview(models.AbstractModel):
    """The review scheduler (P3.1.2 at least yearly, P4.2.1 quarterly): customers whose next
    review falls within the company's notice get a periodic assessment, prefilled and
    assigned to their salesperson with an activity."""

    _name = "credit.monitoring.review"
    _inherit = "credit.monitoring"
    _description = "Credit Monitoring: Review Scheduler"

    @api.model
    def _cron_review_scheduler(self, batch_size=2000):
        """Daily cron: a customer with an open assessment is not work any more. A batch is
        one create of its assessments and one of their activities."""

        def process(company, partners):
            self._schedule_reviews(partners, company)

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
    def _schedule_reviews(self, partners, company):
        """Periodic assessments of ``partners``, prefilled from their last assessment, each
        with a to-do for the salesperson (or the credit controller): created at once. The
        assignees find them in their activities, without one e-mail each."""
        partners = partners.with_company(company)
        kinds = self._review_kinds(partners, company)
        summaries = self._monitoring_summaries(
            partners.filtered(lambda p: kinds[p.id] == "monitoring"), company
        )
        controller = company._credit_controller()
        users = {partner.id: partner.user_id or controller for partner in partners}
        scorecard = self.env["credit.assessment"].with_company(company)._default_scorecard()
        vals_list = []
        for partner in partners:
            last = partner.credit_assessment_id
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "type": kinds[partner.id],
                    "monitoring_summary": summaries.get(partner.id, False),
                    "scorecard_id": scorecard.id,
                    "user_id": users[partner.id].id,
                    "review_due_date": partner.credit_next_review_date,
                    "requested_limit": partner.credit_limit,
                    "requested_payment_term_id": partner.property_payment_term_id.id,
                    "annual_revenue": last.annual_revenue,
                    "years_in_business": last.years_in_business,
                    "employees": last.employees,
                }
            )
        # mail's per-record work at creation (followers, assignment e-mail, creation note) is
        # left out: the to-do below subscribes and tells the assignee, for the whole batch
        assessments = (
            self.env["credit.assessment"]
            .with_company(company)
            .with_context(tracking_disable=True)
            ._credit_workflow_create(vals_list)
        )
        todo = self.env.ref("mail.mail_activity_data_todo")
        # nobody to give it to: the to-do goes where Odoo's activity_schedule would put it
        fallback = todo.default_user_id.id or self.env.uid
        model_id = self.env["ir.model"]._get_id("credit.assessment")
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": assessment.id,
                    "activity_type_id": todo.id,
                    "date_deadline": partner.credit_next_review_date,
                    "user_id": users[partner.id].id or fallback,
                    "summary": (
                        self.env._(
                            "Monitoring review of %(partner)s due on %(date)s: confirm or flag",
                            partner=partner.display_name,
                            date=fields.Date.to_string(partner.credit_next_review_date),
                        )
                        if kinds[partner.id] == "monitoring"
                        else self.env._(
                            "Periodic credit review of %(partner)s due on %(date)s",
                            partner=partner.display_name,
                            date=fields.Date.to_string(partner.credit_next_review_date),
                        )
                    ),
                }
                for partner, assessment in zip(partners, assessments, strict=True)
            ]
        )
        return assessments

    @api.model
    def _review_kinds(self, partners, company):
        """``{partner_id: "periodic" | "monitoring"}`` (P4.2.1): a full re-assessment when the
        customer's last full assessment (with documents) will be at least the company's full
        review interval old on the review's due date, or there is none; a monitoring review
        in between. One query."""
        months = company.credit_full_review_months
        if not months:
            return dict.fromkeys(partners.ids, "periodic")
        last_full = dict(
            self.env["credit.assessment"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "in", partners.ids),
                    ("state", "=", "approved"),
                    ("type", "in", FULL_TYPES),
                ],
                ["partner_id"],
                ["decision_date:max"],
            )
        )
        today = fields.Date.context_today(self)
        kinds = {}
        for partner in partners:
            # how old the last full assessment will be on the review's due date (the review
            # is prepared the notice days before): a yearly re-assessment stays yearly
            due = partner.credit_next_review_date or today
            last = last_full.get(partner)
            recent = last and last.date() > due - relativedelta(months=months)
            kinds[partner.id] = "monitoring" if recent else "periodic"
        return kinds

    @api.model
    def _monitoring_summaries(self, partners, company):
        """``{partner_id: text}``: the indicators a monitoring review shows sales, from the
        exposure service and the open credit events, for all ``partners`` in two queries."""
        if not partners:
            return {}
        exposure = self.env["credit.exposure"]._get_exposure(
            partners, company, commercial_ids=partners.ids
        )
        events = dict(
            self.env["credit.event"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "in", partners.ids),
                    ("state", "!=", "resolved"),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        money = self.env["credit.decision"]._money
        summaries = {}
        for partner in partners:
            figures = exposure[partner.id]
            # written in the language of whoever reads it: the salesperson's
            lang = partner.user_id.lang or company.partner_id.lang or self.env.lang
            summaries[partner.id] = self.with_context(lang=lang).env._(
                "Exposure %(exposure)s of a limit of %(limit)s (%(utilization)s%%); overdue "
                "%(overdue)s, the oldest %(days)s days; %(events)s open credit events. The "
                "payment record is proposed to finance when the review is submitted.",
                exposure=money(figures["total"], company),
                limit=money(figures["limit"], company),
                utilization=round(figures["utilization"], 1),
                overdue=money(figures["overdue"], company),
                days=figures["overdue_days"],
                events=events.get(partner, 0),
            )
        return summaries
