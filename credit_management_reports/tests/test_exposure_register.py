from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ReportCommon


@tagged("post_install", "-at_install")
class TestExposureRegister(ReportCommon):
    """The exposure register XLSX: every bucket, the limit, available credit and utilisation,
    today from the exposure service, on a past date from that day's snapshot."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.user_id = cls.salesperson
        cls._order(cls.customer, 200.0)  # uninvoiced order (confirmed before the overdue)
        cls._invoice(cls.customer, 1000.0, days_ago=40, due_in=30)  # overdue
        cls._invoice(cls.customer, 300.0, days_ago=5, due_in=30)  # not due

    def _export(self, user, **values):
        _sheet, rows = self._report(
            user,
            "action_export_exposure",
            **({"partner_ids": [(6, 0, self.customer.ids)]} | values),
        )
        return {row["Customer"]: row for row in rows}

    def test_today_is_the_exposure_service(self):
        row = self._export(self.analyst)["Credit Customer"]
        exposure = self.env["credit.exposure"]._get_exposure(self.customer, self.company)[
            self.customer.id
        ]
        self.assertEqual(row["Overdue"], 1000.0)
        self.assertEqual(row["Receivable Not Due"], 300.0)
        self.assertEqual(row["Uninvoiced Orders"], exposure["uninvoiced_orders"])
        self.assertEqual(row["Exposure"], exposure["total"])
        self.assertEqual(row["Credit Limit"], 2500.0)
        self.assertEqual(row["Available Credit"], exposure["available"])
        self.assertAlmostEqual(row["Utilisation (%)"], exposure["utilization"])

    def test_a_past_date_comes_from_its_snapshot(self):
        yesterday = self.today - timedelta(days=1)
        with self.assertRaisesRegex(UserError, "No exposure snapshot"):
            self._export(self.analyst, date=yesterday)
        self.env["credit.exposure.snapshot"].sudo()._snapshot_company(self.company, yesterday)
        self._invoice(self.customer, 5000.0, days_ago=0, due_in=30)  # after the snapshot
        row = self._export(self.analyst, date=yesterday)["Credit Customer"]
        snapshot = (
            self.env["credit.exposure.snapshot"]
            .sudo()
            .search([("partner_id", "=", self.customer.id), ("date", "=", yesterday)])
        )
        self.assertEqual(row["Exposure"], snapshot.total)
        self.assertEqual(row["Available Credit"], snapshot.limit - snapshot.total)
        today_row = self._export(self.analyst)["Credit Customer"]
        self.assertEqual(today_row["Exposure"], snapshot.total + 5000.0)

    def test_a_salesperson_reads_their_customer_and_nobody_elses(self):
        rows = self._export(self.salesperson)
        self.assertIn("Credit Customer", rows)
        other = self.env["res.partner"].create({"name": "Someone Else's", "is_company": True})
        self._invoice(other, 100.0)
        rows = self._export(self.salesperson, partner_ids=[(6, 0, other.ids)])
        self.assertNotIn("Someone Else's", rows)
