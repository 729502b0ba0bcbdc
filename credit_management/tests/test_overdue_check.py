from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import CreditCronCommon


@tagged("post_install", "-at_install")
class TestOverdueCheck(CreditCronCommon):
    """The daily overdue check (P3.3, P4.2.3): one event per customer, escalation levels with
    activities, automatic hold and its lifting, idempotent and resumable."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "credit_controller_id": cls.analyst.id,
                "credit_overdue_levels": "1,30,60,90",
                "credit_overdue_hold_level": 3,
            }
        )
        # the cron runs as the superuser (OdooBot)
        cls.Event = cls.env["credit.event"].sudo()

    def _events(self, partner=None):
        return self.Event.search(
            [("event_type", "=", "overdue"), ("partner_id", "=", (partner or self.customer).id)]
        )

    def _run(self):
        return self.Overdue._cron_overdue_check()

    @property
    def _cron_events(self):
        """The overdue check's events in the test's company (the demo data has its own)."""
        return [("origin", "=", "overdue_check"), ("company_id", "=", self.company.id)]

    def test_levels_activities_automatic_hold_and_lifting(self):
        recent = self._invoice(self.customer, 100.0, days_ago=40, due_in=30)  # 10 days overdue
        self.assertEqual(self._run(), 1)
        event = self._events()
        self.assertRecordValues(
            event,
            [{"escalation_level": 1, "overdue_days": 10, "amount": 100.0, "state": "open"}],
        )
        self.assertEqual(
            sorted(event.activity_ids.user_id.mapped("login")),
            ["credit_analyst", "credit_sales"],
        )
        self.assertEqual(self._run(), 0)  # nothing changed: nothing to do
        self.assertEqual(self._events(), event)

        old = self._invoice(self.customer, 200.0, days_ago=95, due_in=30)  # 65 days overdue
        self.assertEqual(self._run(), 1)
        self.assertEqual(self._events(), event)  # the same event, escalated
        self.assertRecordValues(
            event, [{"escalation_level": 3, "overdue_days": 65, "amount": 300.0, "auto_hold": True}]
        )
        self.assertEqual(len(event.activity_ids), 4)
        partner = self.customer.with_user(self.auditor)
        self.assertEqual(partner.credit_status, "hold")
        self.assertIn("Automatic hold by the overdue check", partner.credit_hold_reason)
        self.assertEqual(self._run(), 0)

        self._pay(recent, 100.0)
        self._pay(old, 200.0)
        self.assertEqual(self._run(), 1)
        self.assertEqual(event.state, "resolved")
        self.assertIn("Paid", event.resolution)
        self.assertFalse(event.activity_ids)
        self.assertEqual(partner.credit_status, "approved")
        history = (
            self.env["credit.history"]
            .sudo()
            .search([("partner_id", "=", self.customer.id), ("kind", "=", "status")])
        )
        self.assertEqual(history.mapped("new_value"), ["Approved", "On Hold"])
        self.assertEqual(self._run(), 0)

    def test_a_hold_placed_by_finance_stays_after_payment(self):
        invoice = self._invoice(self.customer, 100.0, days_ago=100, due_in=30)
        self.customer.with_user(self.analyst).write(
            {"credit_status": "hold", "credit_hold_reason": "Legal dispute"}
        )
        self._run()
        self.assertFalse(self._events().auto_hold)
        self._pay(invoice, 100.0)
        self._run()
        self.assertEqual(self._events().state, "resolved")
        self.assertEqual(self.customer.with_user(self.auditor).credit_status, "hold")

    def test_grace_days_and_a_killed_run_resumes(self):
        other = self.env["res.partner"].create({"name": "Second late payer", "is_company": True})
        third = self.env["res.partner"].create({"name": "Third late payer", "is_company": True})
        self._invoice(self.customer, 100.0, days_ago=40, due_in=30)
        self._invoice(other, 50.0, days_ago=45, due_in=30)
        self._invoice(other, 70.0, days_ago=33, due_in=30)  # 3 days: within the grace
        self._invoice(third, 30.0, days_ago=50, due_in=30)
        self.company.credit_overdue_grace_days = 5
        xmlid = "credit_management.ir_cron_credit_overdue_check"
        # a first batch of one customer, committed by the runner
        done, progress = self.run_batch(
            xmlid, lambda context: self.Overdue.with_context(**context)._cron_overdue_check(1)
        )
        self.assertEqual((done, progress), (1, (1, 2)))
        self.assertEqual(len(self.Event.search(self._cron_events)), 1)
        # the second batch dies once its customer's event is written: nothing of it is kept
        with self.killed_after("credit.monitoring.overdue", "_overdue_update"):
            self.Overdue._cron_overdue_check(1)
        self.assertEqual(len(self.Event.search(self._cron_events)), 1)
        # the next runs pick up where the kill left, and nothing is done twice
        self.assertEqual(self.Overdue._cron_overdue_check(1), 1)
        self.assertEqual(self.Overdue._cron_overdue_check(1), 1)
        self.assertEqual(self.Overdue._cron_overdue_check(1), 0)
        for partner, amount, days in (
            (self.customer, 100.0, 10),
            (other, 120.0, 15),
            (third, 30.0, 20),
        ):
            self.assertRecordValues(
                self._events(partner), [{"amount": amount, "overdue_days": days}]
            )

    def test_finding_the_work_costs_the_same_queries_for_1_and_20_customers(self):
        def measure():
            (to_update, _to_close, _events), queries = self.count_queries(
                lambda: self.Overdue._overdue_work(self.company)
            )
            return len(to_update), queries

        self._invoice(self.customer, 100.0, days_ago=40, due_in=30)
        measure()
        small = measure()
        late = self.env["res.partner"].create(
            [{"name": f"Late payer {i}", "is_company": True} for i in range(19)]
        )
        for partner in late:
            self._invoice(partner, 10.0, days_ago=40, due_in=30)
        big = measure()
        self.assertEqual((small[0], big[0]), (1, 20))
        self.assertEqual(big[1], small[1])

    def test_unanswered_reported_events_escalate(self):
        event = (
            self.env["credit.event"]
            .with_user(self.salesperson)
            .create(
                {
                    "name": "Customer announced a restructuring",
                    "partner_id": self.customer.id,
                    "event_type": "legal",
                    "severity": "low",
                    "deadline": self.today - timedelta(days=2),
                }
            )
        )
        self.assertEqual(self._run(), 1)
        self.assertRecordValues(event, [{"escalation_level": 1, "severity": "medium"}])
        asked = event.activity_ids.filtered(lambda a: "Unanswered" in (a.summary or ""))
        self.assertEqual(sorted(asked.user_id.mapped("login")), ["credit_analyst", "credit_sales"])
        self.assertEqual(self._run(), 0)  # escalated once per level
        # once finance takes it up, it is answered
        late = (
            self.env["credit.event"]
            .with_user(self.salesperson)
            .create(
                {
                    "name": "Bank called",
                    "partner_id": self.customer.id,
                    "deadline": self.today - timedelta(days=40),
                }
            )
        )
        late.with_user(self.analyst).action_start()
        self.assertEqual(self._run(), 0)

    def test_paid_by_unapplied_credits_is_not_overdue(self):
        self._invoice(self.customer, 300.0, days_ago=40, due_in=30)
        self._invoice(self.customer, 500.0, move_type="out_refund")
        self.assertEqual(self._run(), 0)
        self.assertFalse(self._events())
        self.company.credit_net_unapplied_overdue = False
        self.assertEqual(self._run(), 1)
        self.assertEqual(self._events().amount, 300.0)

    def test_a_batch_costs_the_same_queries_for_2_and_20_customers(self):
        """Set-based: events, activities, escalations and holds of a batch are written in a
        fixed number of statements, whatever the number of customers in it."""

        def late_payers(count, prefix):
            partners = self.env["res.partner"].create(
                [
                    {"name": f"{prefix} {i}", "is_company": True, "user_id": self.salesperson.id}
                    for i in range(count)
                ]
            )
            partners.with_company(self.company).sudo().with_context(
                credit_change_reason="Test"
            ).write({"credit_status": "approved"})
            for partner in partners:
                self._invoice(partner, 10.0, days_ago=100, due_in=30)  # level 3: on hold
            return partners

        def run(partners):
            done, queries = self.count_queries(self._run)
            self.assertEqual(done, len(partners))
            events = self.Event.search([("partner_id", "in", partners.ids)])
            self.assertEqual(len(events), len(partners))
            self.assertTrue(all(events.mapped("auto_hold")))
            self.assertEqual(len(events.activity_ids), 2 * len(partners))
            self.assertEqual(
                set(partners.with_company(self.company).sudo().mapped("credit_status")), {"hold"}
            )
            return queries

        run(late_payers(1, "Warm-up"))  # the registry's caches (models, references)
        small = run(late_payers(2, "Small"))
        big = run(late_payers(20, "Big"))
        self.assertEqual(big, small)
        # the next day: every event's figures change, in one statement
        with freeze_time(self.today + timedelta(days=1)):
            updated, queries = self.count_queries(self._run)
        self.assertEqual(updated, 23)
        self.assertEqual(set(self.Event.search(self._cron_events).mapped("overdue_days")), {71})
        self.assertLess(queries, big)
