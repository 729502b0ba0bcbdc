from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_finance_reports import FinanceReportCommon


@tagged("post_install", "-at_install")
class TestDashboard(FinanceReportCommon):
    """The finance dashboard: each counter counts what its button opens; overdue by bucket
    agrees with the receivable aging; utilisation bands come from the latest snapshot;
    finance and audit read it, salespeople do not."""

    def _card(self, user):
        return (
            self.env["credit.dashboard"]
            .with_user(user)
            .search([("company_id", "=", self.company.id)])
        )

    def test_counters_and_what_they_open(self):
        Partner = self.env["res.partner"]
        base = self._card(self.analyst)
        before = {
            fname: base[fname]
            for fname in (
                "held_count",
                "review_overdue_count",
                "review_soon_count",
                "watch_count",
                "event_count",
                "release_month_count",
            )
        }
        self.customer.credit_limit = 1000.0
        held = self._held(1500.0)
        released = self._held(1200.0)
        self._answer(released, "release", self.analyst)
        late = Partner.create({"name": "Late Review", "is_company": True})
        soon = Partner.create({"name": "Review Soon", "is_company": True})
        watched = Partner.create({"name": "Watched", "is_company": True})
        late.with_user(self.analyst).credit_next_review_date = self.today - timedelta(days=1)
        soon.with_user(self.analyst).credit_next_review_date = self.today + timedelta(days=10)
        watched.with_user(self.analyst).credit_status = "watch"
        self.env["credit.event"].create({"name": "Rumour", "partner_id": watched.id})
        card = self._card(self.analyst)
        card.invalidate_recordset()
        self.assertEqual(card.held_count, before["held_count"] + 1)
        self.assertEqual(card.review_overdue_count, before["review_overdue_count"] + 1)
        self.assertEqual(card.review_soon_count, before["review_soon_count"] + 1)
        self.assertEqual(card.watch_count, before["watch_count"] + 1)
        self.assertEqual(card.event_count, before["event_count"] + 1)
        self.assertEqual(card.release_month_count, before["release_month_count"] + 1)
        # each button opens the records its counter counts
        for method, record in (
            ("action_open_held", held),
            ("action_open_reviews_overdue", late),
            ("action_open_reviews_soon", soon),
            ("action_open_watch", watched),
        ):
            action = getattr(card, method)()
            found = self.env[action["res_model"]].with_user(self.analyst).search(action["domain"])
            self.assertIn(record, found, method)
        self.assertNotIn(soon, Partner.search(card.action_open_reviews_overdue()["domain"]))

    def test_overdue_by_bucket_agrees_with_the_aging(self):
        customer = self.env["res.partner"].create({"name": "Aged Customer", "is_company": True})
        self._invoice(customer, 100.0, days_ago=10, due_in=30)
        self._invoice(customer, 200.0, days_ago=50, due_in=10)
        self._invoice(customer, 400.0, days_ago=200, due_in=0)
        lines = (
            self.env["credit.aging.line"]
            .with_user(self.auditor)
            .search([("partner_id", "=", customer.id)])
        )
        by_bucket = {}
        for line in lines:
            by_bucket[line.bucket] = by_bucket.get(line.bucket, 0.0) + line.residual
        self.assertEqual(by_bucket, {"not_due": 100.0, "days_31_60": 200.0, "days_over_180": 400.0})
        aging = self.env["credit.exposure"]._aging(self.company, self.today, customer.ids)
        for bucket, amount in by_bucket.items():
            self.assertAlmostEqual(aging[customer.id][bucket], amount)
        overdue = self._card(self.auditor).overdue_amount
        self.assertAlmostEqual(
            overdue,
            sum(
                self.env["credit.aging.line"]
                .search([("company_id", "=", self.company.id), ("bucket", "!=", "not_due")])
                .mapped("residual")
            ),
        )

    def test_utilisation_bands_from_the_latest_snapshot(self):
        used = self.env["res.partner"].create(
            {"name": "Used", "is_company": True, "credit_limit": 1000.0}
        )
        self._order(used, 900.0)
        self.env["credit.monitoring.snapshot"]._snapshot_now()
        row = (
            self.env["credit.utilization"]
            .with_user(self.analyst)
            .search([("partner_id", "=", used.id)])
        )
        self.assertEqual((row.date, row.band), (self.today, "80_100"))
        self.assertAlmostEqual(row.utilization, 90.0)

    def test_salesperson_has_no_dashboard(self):
        for model in ("credit.dashboard", "credit.aging.line", "credit.utilization"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.salesperson).search([])
