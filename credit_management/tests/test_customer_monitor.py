from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestCustomerMonitor(CreditCommon):
    """My customers' credit (P3.3.1, P5.1.2): each salesperson's customers with the figures
    of the exposure service, the change against the snapshot of a month ago, the watch flag,
    the open events and the early-warning signals; finance and audit see every customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the overdue invoice of the tests does not stop their orders
        cls.company.credit_overdue_grace_days = 60
        cls.customer.user_id = cls.salesperson
        cls.other_salesperson = cls._credit_user("credit_sales_2", "sales_team.group_sale_salesman")
        cls.other = cls.env["res.partner"].create(
            {
                "name": "Other Salesperson's Customer",
                "is_company": True,
                "credit_limit": 900.0,
                "user_id": cls.other_salesperson.id,
            }
        )

    def _row(self, user, partner=None):
        return (
            self.env["credit.customer.monitor"]
            .with_user(user)
            .search([("partner_id", "=", (partner or self.customer).id)])
        )

    def test_figures_trend_events_and_signals(self):
        self._invoice(self.customer, 1000.0, days_ago=40, due_in=10)
        with freeze_time(self.today - timedelta(days=30)):
            self.env["credit.monitoring.snapshot"]._snapshot_now()
        self._order(self.customer, 500.0)
        row = self._row(self.salesperson)
        figures = self.exposure(self.customer)
        self.assertEqual(len(row), 1)
        self.assertAlmostEqual(row.exposure, figures["total"])
        self.assertAlmostEqual(row.exposure, 1500.0)
        self.assertAlmostEqual(row.available, 1000.0)
        self.assertAlmostEqual(row.overdue, 1000.0)
        self.assertEqual(row.overdue_days, figures["overdue_days"])
        self.assertAlmostEqual(row.exposure_last_month, 1000.0)
        self.assertAlmostEqual(row.trend, 500.0)
        self.assertEqual((row.open_event_count, row.watched), (0, False))
        Event = self.env["credit.event"]
        Event.create({"name": "Late again", "partner_id": self.customer.id})
        Event.create(
            {
                "name": "Early warning",
                "partner_id": self.customer.id,
                "event_type": "early_warning",
                "description": "Utilisation above 80%",
            }
        )
        self.customer.with_user(self.analyst).credit_status = "watch"
        row = self._row(self.salesperson)
        self.assertEqual((row.open_event_count, row.watched), (2, True))
        self.assertEqual(row.signals, "Utilisation above 80%")
        # sorted and filtered as any list
        mine = self.env["credit.customer.monitor"].with_user(self.salesperson)
        self.assertEqual(mine.search([("trend", ">", 0)], order="trend desc")[:1], row)
        self.assertEqual(
            row.action_open_events()["domain"], [("partner_id", "=", self.customer.id)]
        )

    def test_each_salesperson_sees_their_customers(self):
        Monitor = self.env["credit.customer.monitor"]
        self.assertEqual(
            Monitor.with_user(self.salesperson)
            .search([])
            .partner_id.filtered(lambda p: p in (self.customer | self.other)),
            self.customer,
        )
        self.assertFalse(self._row(self.salesperson, self.other))
        self.assertTrue(self._row(self.other_salesperson, self.other))
        for user in (self.analyst, self.auditor):
            self.assertTrue(self._row(user, self.other))
            self.assertTrue(self._row(user))
        # the menu opens a salesperson's own customers, finance's every customer
        Monitor = self.env["credit.customer.monitor"]
        action = Monitor.with_user(self.salesperson).action_open_monitor()
        self.assertEqual(action["context"], {"search_default_mine": 1})
        self.assertEqual(Monitor.with_user(self.analyst).action_open_monitor()["context"], {})
