from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ReportCommon


@tagged("post_install", "-at_install")
class TestAgingReport(ReportCommon):
    """The receivable aging XLSX (P5.1.1): the buckets of invoices with known dates, the as-of
    date (a payment matched after it leaves the invoice open), the same figures as the
    exposure service, and what each role gets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.user_id = cls.salesperson
        cls._invoice(cls.customer, 300.0, days_ago=5, due_in=30)  # not due
        cls._invoice(cls.customer, 1000.0, days_ago=40, due_in=30)  # 10 days past due
        cls._invoice(cls.customer, 500.0, days_ago=75, due_in=30)  # 45 days
        cls._invoice(cls.customer, 200.0, move_type="out_refund")  # unapplied credit
        cls.paid = cls._invoice(cls.customer, 400.0, days_ago=130, due_in=30)  # 100 days
        cls._pay(cls.paid, 400.0)  # paid today
        cls.other = cls.env["res.partner"].create(
            {"name": "Other Salesperson's Customer", "is_company": True}
        )
        cls._invoice(cls.other, 700.0, days_ago=250, due_in=30)  # 220 days

    def _export(self, user, **values):
        sheet, rows = self._report(user, "action_export_aging", **values)
        return sheet, {row["Customer"]: row for row in rows}

    def test_buckets_match_the_invoices_and_the_exposure_service(self):
        sheet, rows = self._export(
            self.analyst, partner_ids=[(6, 0, (self.customer | self.other).ids)]
        )
        self.assertIn("as of", sheet["A2"].value)
        self.assertIn("Credit Customer", sheet["A3"].value)  # the filters, printed
        row = rows["Credit Customer"]
        self.assertEqual(
            [
                row["Not Due"],
                row["1-30 Days"],
                row["31-60 Days"],
                row["61-90 Days"],
                row["91-180 Days"],
                row["Over 180 Days"],
                row["Unapplied Credits"],
                row["Open Receivable"],
            ],
            [300.0, 1000.0, 500.0, 0.0, 0.0, 0.0, -200.0, 1600.0],
        )
        exposure = self.env["credit.exposure"]._get_exposure(self.customer, self.company)[
            self.customer.id
        ]
        receivable = (
            exposure["receivable_not_due"] + exposure["overdue"] + exposure["unapplied_credits"]
        )
        self.assertAlmostEqual(row["Open Receivable"], receivable)
        self.assertAlmostEqual(row["Exposure Today"], exposure["total"])
        self.assertEqual(rows["Other Salesperson's Customer"]["Over 180 Days"], 700.0)
        # the customer's columns as the screens show them
        partner = self.customer.with_company(self.company).with_user(self.analyst)
        self.assertEqual(row["Salesperson"], self.salesperson.name)
        self.assertEqual(row["Rating"], partner.credit_rating_id.name or "")
        status = dict(partner._fields["credit_status"]._description_selection(self.env))
        self.assertEqual(row["Credit Status"], status.get(partner.credit_status, ""))
        self.assertEqual(rows["Total"]["Open Receivable"], 2300.0)

    def test_as_of_yesterday_the_invoice_paid_today_is_open(self):
        _sheet, rows = self._export(self.analyst, date=self.today - timedelta(days=1))
        row = rows["Credit Customer"]
        self.assertEqual(row["91-180 Days"], 400.0)  # 99 days past due yesterday, paid today
        self.assertEqual(row["1-30 Days"], 1000.0)  # 9 days past due yesterday
        self.assertEqual(row["31-60 Days"], 500.0)
        self.assertEqual(row["Not Due"], 300.0)
        self.assertEqual(row["Unapplied Credits"], 0.0)  # the credit note is of today
        self.assertEqual(row["Open Receivable"], 2200.0)

    def test_a_salesperson_gets_their_own_customers_only(self):
        _sheet, rows = self._export(self.salesperson)
        self.assertIn("Credit Customer", rows)
        self.assertNotIn("Other Salesperson's Customer", rows)
        _sheet, rows = self._export(self.auditor)
        self.assertIn("Other Salesperson's Customer", rows)

    def test_a_date_to_come_is_refused(self):
        wizard = (
            self.env["credit.report.wizard"]
            .with_user(self.analyst)
            .create({"date": self.today + timedelta(days=1)})
        )
        with self.assertRaisesRegex(UserError, "past date"):
            wizard.action_export_aging()
