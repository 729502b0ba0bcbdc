from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestDigest(CreditCommon):
    """The salespeople's daily digest: one message per salesperson whose customers changed
    (new overdue, utilisation crossing the warning, a hold, a review coming due), none when
    nothing changed, once a day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the overdue invoice of the tests does not stop their orders
        cls.company.credit_overdue_grace_days = 60
        cls.company.write({"credit_warning_threshold": 80.0, "credit_review_notice_days": 14})
        cls.customer.user_id = cls.salesperson
        cls.quiet_salesperson = cls._credit_user("credit_sales_q", "sales_team.group_sale_salesman")
        cls.env["res.partner"].create(
            {
                "name": "Quiet Customer",
                "is_company": True,
                "credit_limit": 5000.0,
                "user_id": cls.quiet_salesperson.id,
            }
        )

    def _digests(self, user):
        return self.env["mail.message"].search(
            [
                ("partner_ids", "in", user.partner_id.ids),
                ("subject", "like", "Your customers' credit"),
            ]
        )

    def _run(self):
        self.env["credit.monitoring.digest"]._cron_digest(batch_size=10)

    def test_one_message_per_salesperson_when_something_changed(self):
        with freeze_time(self.today - timedelta(days=1)):
            self.env["credit.monitoring.snapshot"]._snapshot_now()
        # today: overdue, orders taking utilisation over 80%, a hold, a review coming due
        self._invoice(self.customer, 1000.0, days_ago=40, due_in=10)
        self._order(self.customer, 1200.0)
        held = self._order(self.customer, 900.0, confirm=False)
        held.action_confirm()
        self.assertEqual(held.credit_hold_state, "held")
        self.customer.with_user(self.analyst).credit_next_review_date = self.today + timedelta(
            days=14
        )
        self._run()
        self.assertFalse(self._digests(self.salesperson), "waits for today's snapshot")
        self.env["credit.monitoring.snapshot"]._snapshot_now()
        self._run()
        digest = self._digests(self.salesperson)
        self.assertEqual(len(digest), 1)
        for text in ("Credit Customer", "new overdue", "crossed the 80", held.name, "review due"):
            self.assertIn(text, digest.body)
        self.assertFalse(self._digests(self.quiet_salesperson))
        # once a day
        self._run()
        self.assertEqual(len(self._digests(self.salesperson)), 1)
