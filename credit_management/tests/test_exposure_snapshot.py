from datetime import date, timedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tests import tagged

from .common import CreditCronCommon


@tagged("post_install", "-at_install")
class TestExposureSnapshot(CreditCronCommon):
    """The daily exposure snapshot cron (P5.1.2): one row per customer and company, one
    statement per company, idempotent, resumable, with retention."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the cron runs as the superuser (OdooBot)
        cls.Snapshot = cls.env["credit.exposure.snapshot"].sudo()
        cls.company.credit_snapshot_date = False

    def _rows(self, company=None):
        return self.Snapshot.search([("company_id", "=", (company or self.company).id)])

    def test_rows_carry_every_figure_of_the_exposure(self):
        self._order(self.customer, 200.0)
        self._invoice(self.customer, 600.0, days_ago=20, due_in=10)
        self._invoice(self.customer, 300.0, due_in=30)
        self._invoice(self.customer, 100.0, post=False)
        self.customer.with_user(self.analyst).write(
            {"credit_rating_id": self.env.ref("credit_management.rating_b").id}
        )
        self.assertEqual(self.SnapshotCron._cron_snapshot(), 1)
        row = self._rows().filtered(lambda r: r.partner_id == self.customer)
        exposure = self.exposure(self.customer)
        self.assertRecordValues(
            row,
            [
                {
                    "date": self.today,
                    "receivable_not_due": exposure["receivable_not_due"],
                    "overdue": 600.0,
                    "overdue_days": 10,
                    "draft_invoices": 100.0,
                    "uninvoiced_orders": 200.0,
                    "total": 1200.0,
                    "limit": 2500.0,
                    "utilization": 48.0,
                    "rating_id": self.env.ref("credit_management.rating_b").id,
                }
            ],
        )
        # finance and audit read the history; salespeople do not
        self.assertEqual(row.with_user(self.auditor).total, 1200.0)
        with self.assertRaises(AccessError):
            row.with_user(self.salesperson).read(["total"])

    def test_running_twice_writes_nothing_new(self):
        self._invoice(self.customer, 500.0)
        self.SnapshotCron._cron_snapshot()
        rows = self._rows()
        self.assertEqual(self.SnapshotCron._cron_snapshot(), 0)  # the company is done today
        self.SnapshotCron._snapshot_now()  # by hand: the same rows, refreshed
        self.assertEqual(self._rows(), rows)

    def test_a_run_killed_midway_resumes_without_duplicates(self):
        company_2 = self._second_company("Snapshot Company 2", limit=900.0)
        company_3 = self._second_company("Snapshot Company 3", limit=300.0)
        self._invoice(self.customer, 500.0)
        self._invoice(self.customer, 400.0, company=company_2)
        self._invoice(self.customer, 200.0, company=company_3)
        # one company per batch, committed by the runner
        done, progress = self.run_batch(
            "credit_management.ir_cron_credit_exposure_snapshot",
            lambda context: self.SnapshotCron.with_context(**context)._cron_snapshot(),
        )
        self.assertEqual((done, progress), (1, (1, 1)))
        self.assertTrue(self._rows(self.company))
        # the second company's batch dies once its rows are written: they are rolled back
        with self.killed_after("credit.exposure.snapshot", "_snapshot_company"):
            self.SnapshotCron._cron_snapshot()
        self.assertFalse(self._rows(company_2))
        self.assertFalse(company_2.credit_snapshot_date)
        # the next runs pick up where the kill left
        self.assertEqual(self.SnapshotCron._cron_snapshot(), 1)
        self.assertEqual(self.SnapshotCron._cron_snapshot(), 1)
        self.assertEqual(self.SnapshotCron._cron_snapshot(), 0)
        for company, total in ((self.company, 500.0), (company_2, 400.0), (company_3, 200.0)):
            self.assertRecordValues(self._rows(company), [{"total": total}])

    def test_query_count_per_company_does_not_grow(self):
        def measure():
            return self.count_queries(
                lambda: self.Snapshot._snapshot_company(self.company, self.today)
            )[1]

        self._invoice(self.customer, 10.0)
        measure()
        small = measure()
        partners = self.env["res.partner"].create(
            [{"name": f"Snapshot customer {i}", "credit_limit": 50.0} for i in range(25)]
        )
        self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": self.today,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "x", "quantity": 1, "price_unit": 5.0, "tax_ids": []}
                        )
                    ],
                }
                for partner in partners
            ]
        ).action_post()
        big = measure()
        self.assertEqual(big, small)
        self.assertEqual(len(self._rows()), 26)

    def test_retention_keeps_month_ends_longer(self):
        self._invoice(self.customer, 100.0)
        self.company.write({"credit_snapshot_keep_days": 30, "credit_snapshot_keep_months": 12})
        old_day = self.today - timedelta(days=45)
        month_end = date(old_day.year, old_day.month, 1) - timedelta(days=1)
        ancient = self.today - timedelta(days=500)
        for day in (old_day, month_end, ancient, self.today):
            self.Snapshot._snapshot_company(self.company, day)
        self.Snapshot._purge(self.company, self.today)
        dates = set(self._rows().mapped("date"))
        old_day_is_month_end = (old_day + timedelta(days=1)).month != old_day.month
        self.assertEqual(
            dates, {month_end, self.today} | ({old_day} if old_day_is_month_end else set())
        )
        with self.assertRaises(ValidationError):
            self.company.credit_snapshot_keep_days = 0
