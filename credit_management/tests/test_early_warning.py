from ast import literal_eval
from datetime import timedelta

from odoo.fields import Command
from odoo.tests import tagged

from .common import CreditCronCommon


@tagged("post_install", "-at_install")
class TestEarlyWarning(CreditCronCommon):
    """The early warning (P3.3.1, P3.3.3): indicators per customer, the watch list, an event
    asking for a response strategy; idempotent and resumable."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "credit_controller_id": cls.analyst.id,
                "credit_warning_signals": 2,
                "credit_warning_threshold": 80.0,
            }
        )
        cls.customer.with_user(cls.analyst).credit_status = "approved"
        # the cron runs as the superuser (OdooBot)
        cls.Event = cls.env["credit.event"].sudo()

    def _warnings(self, partner=None):
        return self.Event.search(
            [
                ("event_type", "=", "early_warning"),
                ("partner_id", "=", (partner or self.customer).id),
            ]
        )

    def _signals(self, partner=None):
        return self.Warning._early_warning_signals(self.company).get(
            (partner or self.customer).id, []
        )

    def test_signals_put_the_customer_on_the_watch_list(self):
        self._invoice(self.customer, 2200.0, due_in=30)  # 88% of the limit
        self.assertEqual(len(self._signals()), 1)
        self.assertEqual(self.Warning._cron_early_warning(), 0)  # one signal is not enough
        self.Event.create(
            {
                "name": "Bounced cheque",
                "partner_id": self.customer.id,
                "event_type": "returned_payment",
            }
        )
        self.assertEqual(self.Warning._cron_early_warning(), 1)
        warning = self._warnings()
        self.assertIn("Credit utilisation 88.0%", warning.description)
        self.assertIn("1 open credit events", warning.description)
        self.assertEqual(
            sorted(warning.activity_ids.user_id.mapped("login")), ["credit_analyst", "credit_sales"]
        )
        self.assertEqual(self.customer.with_user(self.auditor).credit_status, "watch")
        self.assertEqual(
            self.customer.with_user(self.auditor).credit_early_warning, warning.description
        )
        watch = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.res_partner_credit_watch_action"
        )
        watched = (
            self.env["res.partner"].with_user(self.analyst).search(literal_eval(watch["domain"]))
        )
        self.assertIn(self.customer, watched)
        # finance answers with a response strategy on the event
        warning.with_user(self.analyst).response_plan = "Weekly call; no new order above 500."
        # nothing new: nothing to do
        self.assertEqual(self.Warning._cron_early_warning(), 0)
        # a new signal updates the same event
        rating_a = self.env.ref("credit_management.rating_a")
        rating_c = self.env.ref("credit_management.rating_c")
        self.customer.with_user(self.analyst).credit_rating_id = rating_a
        self.customer.with_user(self.analyst).credit_rating_id = rating_c
        self.assertEqual(self.Warning._cron_early_warning(), 1)
        self.assertEqual(self._warnings(), warning)
        self.assertIn("Rating downgraded from A to C", warning.description)

    def test_overdue_rising_slower_payment_and_fewer_orders(self):
        Snapshot = self.env["credit.exposure.snapshot"].sudo()
        month_ago = self.today - timedelta(days=31)
        self._invoice(self.customer, 100.0, days_ago=60, due_in=30)
        Snapshot._snapshot_company(self.company, month_ago)
        self.env.cr.execute(
            "UPDATE credit_exposure_snapshot SET overdue = 0 WHERE date = %s", [month_ago]
        )
        Snapshot._snapshot_company(self.company, self.today)
        self.assertTrue(any("Overdue rising" in s for s in self._signals()))

        payer = self.env["res.partner"].create({"name": "Slow payer", "is_company": True})
        before = self._invoice(payer, 100.0, days_ago=150, due_in=30)  # due 120 days ago
        self._pay_on(before, self.today - timedelta(days=120))
        recent = self._invoice(payer, 100.0, days_ago=80, due_in=30)  # due 50 days ago
        self._pay_on(recent, self.today - timedelta(days=30))  # 20 days late
        self.assertTrue(any("Paying slower" in s for s in self._signals(payer)))

        buyer = self.env["res.partner"].create(
            {"name": "Quiet buyer", "is_company": True, "credit_limit": 1000.0}
        )
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": buyer.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "price_unit": 10.0, "tax_id": []}
                        )
                    ],
                }
                for _i in range(6)
            ]
        )
        orders.action_confirm()
        for order, days in zip(orders, (300, 250, 200, 180, 150, 120), strict=True):
            order.date_order = self.today - timedelta(days=days)
        self.assertTrue(any("Ordering less" in s for s in self._signals(buyer)))

    def test_a_killed_run_resumes_without_duplicates(self):
        others = self.env["res.partner"].create(
            [{"name": f"Risky {i}", "is_company": True, "credit_limit": 100.0} for i in range(2)]
        )
        for partner in self.customer | others:
            self._invoice(partner, 0.9 * partner.credit_limit, due_in=30)
            self.Event.create({"name": "Dispute", "partner_id": partner.id})
        done, progress = self.run_batch(
            "credit_management.ir_cron_credit_early_warning",
            lambda context: self.Warning.with_context(**context)._cron_early_warning(1),
        )
        self.assertEqual((done, progress), (1, (1, 2)))
        with self.killed_after("credit.monitoring.early_warning", "_early_warning_raise"):
            self.Warning._cron_early_warning(1)
        self.assertEqual(len(self._warnings(others[0])), 0)  # rolled back with the batch
        self.assertEqual(others[0].with_company(self.company).credit_status, False)
        self.assertEqual(self.Warning._cron_early_warning(1), 1)
        self.assertEqual(self.Warning._cron_early_warning(1), 1)
        self.assertEqual(self.Warning._cron_early_warning(1), 0)
        for partner in self.customer | others:
            self.assertEqual(len(self._warnings(partner)), 1)
            self.assertEqual(partner.with_company(self.company).credit_status, "watch")

    def test_overdue_rising_needs_a_snapshot_of_a_month_ago(self):
        """Without a snapshot a month back, nothing can be said to be rising."""
        Snapshot = self.env["credit.exposure.snapshot"].sudo()
        self._invoice(self.customer, 100.0, days_ago=60, due_in=30)
        Snapshot._snapshot_company(self.company, self.today - timedelta(days=3))
        Snapshot._snapshot_company(self.company, self.today)
        self.assertFalse(any("Overdue rising" in s for s in self._signals()))

    def test_rating_downgrade_is_read_from_rating_ids(self):
        """The downgrade signal holds for an approver working in Chinese, and when two
        companies have a grade of the same name."""
        self.env["res.lang"]._activate_lang("zh_TW")
        rating_a = self.env.ref("credit_management.rating_a")
        rating_c = self.env.ref("credit_management.rating_c")
        rating_a.sudo().with_context(lang="zh_TW").name = "甲"
        company_2 = self.setup_other_company(name="Credit Company Two")["company"]
        self.env["credit.rating"].sudo().create(
            {"name": "A", "min_score": 90, "company_id": company_2.id}
        )
        partner = self.customer.with_context(credit_change_reason="Review")
        partner.with_user(self.analyst).credit_rating_id = rating_a
        partner.with_user(self.analyst).with_context(lang="zh_TW").credit_rating_id = rating_c
        signals = self._signals()
        self.assertIn("Rating downgraded from A to C.", signals)

    def _pay_on(self, invoice, date):
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"payment_date": date})
            ._create_payments()
        )
