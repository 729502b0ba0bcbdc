from ast import literal_eval
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CreditCronCommon


@tagged("post_install", "-at_install")
class TestReviewScheduler(CreditCronCommon):
    """The review scheduler (P3.1.2, P4.2.1): a periodic assessment, prefilled, for the
    salesperson of every customer whose review falls within the notice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"credit_review_notice_days": 14, "credit_controller_id": cls.analyst})
        # the cron runs as the superuser (OdooBot)
        cls.Assessment = cls.env["credit.assessment"].sudo()
        cls.env["res.partner"].sudo().search([]).with_company(cls.company).write(
            {"credit_next_review_date": False}
        )

    def _review_on(self, partner, days):
        partner.with_user(self.analyst).credit_next_review_date = self.today + timedelta(days)

    def _periodic(self, partner=None):
        return self.Assessment.search(
            [("type", "=", "periodic"), ("partner_id", "=", (partner or self.customer).id)]
        )

    def test_due_customers_get_a_prefilled_review_for_their_salesperson(self):
        self._review_on(self.customer, 10)
        later = self.env["res.partner"].create({"name": "Reviewed later", "is_company": True})
        self._review_on(later, 40)
        self.assertEqual(self.Review._cron_review_scheduler(), 1)
        review = self._periodic()
        self.assertRecordValues(
            review,
            [
                {
                    "state": "draft",
                    "user_id": self.salesperson.id,
                    "requested_limit": 2500.0,
                    "review_due_date": self.today + timedelta(10),
                    "review_overdue": False,
                }
            ],
        )
        activity = review.activity_ids
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertEqual(activity.date_deadline, self.today + timedelta(10))
        self.assertFalse(self._periodic(later))
        # the salesperson finds it in Reviews Due
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.credit_assessment_review_action"
        )
        found = (
            self.env["credit.assessment"]
            .with_user(self.salesperson)
            .search(literal_eval(action["domain"]))
        )
        self.assertEqual(found, review)
        # running again creates nothing
        self.assertEqual(self.Review._cron_review_scheduler(), 0)
        self.assertEqual(len(self._periodic()), 1)

    def test_overdue_reviews_are_flagged(self):
        self._review_on(self.customer, -3)
        self.Review._cron_review_scheduler()
        review = self._periodic()
        self.assertTrue(review.review_overdue)
        self.assertEqual(
            self.env["credit.assessment"]
            .sudo()
            .search([("review_overdue", "=", True), ("company_id", "=", self.company.id)]),
            review,
        )

    def test_a_killed_run_resumes_without_duplicates(self):
        others = self.env["res.partner"].create(
            [{"name": f"Due customer {i}", "is_company": True} for i in range(3)]
        )
        for partner in self.customer | others:
            self._review_on(partner, 5)
        done, progress = self.run_batch(
            "credit_management.ir_cron_credit_review_scheduler",
            lambda context: self.Review.with_context(**context)._cron_review_scheduler(2),
        )
        self.assertEqual((done, progress), (2, (2, 2)))
        # the second batch dies after its first assessment: both of its customers stay to do
        with self.killed_after("credit.monitoring.review", "_schedule_reviews"):
            self.Review._cron_review_scheduler(2)
        self.assertEqual(len(self._periodic(others[1])), 0)
        self.assertEqual(self.Review._cron_review_scheduler(2), 2)
        self.assertEqual(self.Review._cron_review_scheduler(2), 0)
        for partner in self.customer | others:
            self.assertEqual(len(self._periodic(partner)), 1)
        # without a salesperson the review goes to the credit controller
        self.assertEqual(self._periodic(others[0]).user_id, self.analyst)

    def test_a_batch_costs_the_same_queries_for_2_and_20_customers(self):
        """Set-based: the assessments of a batch and their to-dos are created at once."""

        def due(count, prefix):
            partners = self.env["res.partner"].create(
                [
                    {"name": f"{prefix} {i}", "is_company": True, "user_id": self.salesperson.id}
                    for i in range(count)
                ]
            )
            for partner in partners:
                self._review_on(partner, 5)
            done, queries = self.count_queries(self.Review._cron_review_scheduler)
            self.assertEqual(done, count)
            reviews = self.Assessment.search([("partner_id", "in", partners.ids)])
            self.assertEqual(len(reviews), count)
            self.assertEqual(reviews.activity_ids.user_id, self.salesperson)
            self.assertEqual(len(reviews.activity_ids), count)
            return queries

        due(1, "Warm-up")  # the registry's caches (models, references)
        small, big = due(2, "Small"), due(20, "Big")
        # the one query per assessment: its number from Odoo's sequence (nextval)
        self.assertEqual(big - small, 18)
        review = self.Assessment.search([("partner_id.name", "=", "Big 0")])
        self.assertIn(self.salesperson.partner_id, review.message_partner_ids)

    def test_a_customer_without_salesperson_gets_a_review_for_finance(self):
        """No salesperson and no credit controller set: the review and its to-do go to the
        company's fallback controller (its first credit manager)."""
        self.company.credit_controller_id = False
        nobody = self.env["res.partner"].create({"name": "Unhandled", "is_company": True})
        self._review_on(nobody, 3)
        self.assertEqual(self.Review._cron_review_scheduler(), 1)
        review = self._periodic(nobody)
        fallback = self.company._credit_controller()
        self.assertTrue(fallback)
        self.assertEqual(review.user_id, fallback)
        self.assertEqual(review.activity_ids.user_id, fallback)


@tagged("post_install", "-at_install")
class TestMonitoringReviews(CreditCronCommon):
    """P4.2.1: between two full re-assessments (yearly by default) the review is a
    monitoring review: the indicators prefilled, sales confirms or flags, no document
    required; a customer whose last full assessment is a year old is re-assessed in full."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"credit_review_notice_days": 14, "credit_full_review_months": 12})
        cls.env["res.partner"].sudo().search([]).with_company(cls.company).write(
            {"credit_next_review_date": False}
        )

    def _assessed(self, partner, months_ago):
        assessment = (
            self.env["credit.assessment"]
            .sudo()
            .create({"partner_id": partner.id, "type": "new", "requested_limit": 2500.0})
        )
        assessment._credit_workflow_write(
            {
                "state": "approved",
                "decision_date": fields.Datetime.now() - relativedelta(months=months_ago),
            }
        )
        partner.with_user(self.analyst).credit_next_review_date = self.today + timedelta(5)

    def _review(self, partner):
        return (
            self.env["credit.assessment"]
            .sudo()
            .search([("partner_id", "=", partner.id), ("state", "=", "draft")])
        )

    def test_monitoring_between_full_reassessments(self):
        recent = self.customer
        self._assessed(recent, 3)
        old = self.env["res.partner"].create({"name": "Old File", "is_company": True})
        self._assessed(old, 13)
        self._order(recent, 1000.0)
        self.env["credit.event"].create({"name": "Complaint", "partner_id": recent.id})
        self.Review._cron_review_scheduler()
        monitoring, full = self._review(recent), self._review(old)
        self.assertEqual((monitoring.type, full.type), ("monitoring", "periodic"))
        self.assertIn("1,000.00", monitoring.monitoring_summary)
        self.assertIn("1 open credit events", monitoring.monitoring_summary)
        self.assertIn("confirm or flag", monitoring.activity_ids.summary)
        # sales confirms or flags; no document is required
        review = monitoring.with_user(self.salesperson)
        with self.assertRaisesRegex(UserError, "Sales' Opinion"):
            review.action_submit()
        review.sales_opinion = "flag"
        with self.assertRaisesRegex(UserError, "what finance should look at"):
            review.action_submit()
        review.sales_comment = "Ordering twice as much since the summer"
        review.action_submit()
        self.assertEqual(review.state, "submitted")
        # the full re-assessment asks for the documents as configured
        self.assertIn(
            self.env.ref("credit_management.document_type_financial_statements"),
            full.missing_document_type_ids,
        )

    def test_a_yearly_reassessment_stays_yearly(self):
        """The review is prepared before its due date: the last full assessment's age is
        taken on that date, so a review due a year after it is a full one."""
        self.company.write({"credit_review_months": 12, "credit_full_review_months": 12})
        assessment = (
            self.env["credit.assessment"]
            .sudo()
            .create({"partner_id": self.customer.id, "type": "new", "requested_limit": 2500.0})
        )
        due = self.today + timedelta(10)
        assessment._credit_workflow_write(
            {
                "state": "approved",
                "decision_date": fields.Datetime.to_datetime(due - relativedelta(months=12)),
            }
        )
        self.customer.with_user(self.analyst).credit_next_review_date = due
        self.Review._cron_review_scheduler()
        self.assertEqual(self._review(self.customer).type, "periodic")

    def test_every_review_full_when_the_company_says_so(self):
        self.company.credit_full_review_months = 0
        self._assessed(self.customer, 1)
        self.Review._cron_review_scheduler()
        self.assertEqual(self._review(self.customer).type, "periodic")
