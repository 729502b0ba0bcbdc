from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestCreditLimitControls(CreditCommon):
    """Beyond the order (issue 16): temporary limit increases, credit insurance and the
    what-if simulation, as salesperson, analyst and manager; the limit in force is the
    exposure service's one formula."""

    def _decide(self, amount, partner=None, company=None):
        return self.env["credit.decision"]._decide(
            partner or self.customer, amount, company or self.company
        )

    def _increase(self, amount=1000.0, user=None, days=10, **values):
        user = user or self.salesperson
        return (
            self.env["credit.limit.increase"]
            .with_user(user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "amount": amount,
                    "date_start": self.today,
                    "date_end": self.today + timedelta(days=days),
                    "reason": "Trade fair orders",
                }
                | values
            )
        )

    def _limits(self, partner=None):
        partner = (partner or self.customer).with_company(self.company).with_user(self.analyst)
        partner.invalidate_recordset()
        return (
            partner.credit_effective_limit,
            partner.credit_temporary_limit,
            partner.credit_insured_amount,
        )

    # -- temporary limits --------------------------------------------------------------------
    def test_a_temporary_increase_counts_while_in_force_then_expires(self):
        self.assertEqual(self._decide(3000.0)["level"], "block")
        increase = self._increase()
        increase.action_request()
        self.assertEqual(increase.state, "requested")
        self.assertTrue(increase.activity_ids)
        with self.assertRaises(UserError):  # asked as it is
            increase.write({"amount": 5000.0})
        with self.assertRaises(AccessError):  # finance decides
            increase.action_approve()
        # above the manager amount, a credit manager
        self.company.credit_assessment_manager_amount = 3000.0
        with self.assertRaises(AccessError):
            increase.with_user(self.analyst).action_approve()
        increase.with_user(self.manager).action_approve()
        self.assertEqual(increase.approved_by_id, self.manager)
        self.assertEqual(self._limits(), (3500.0, 1000.0, 0.0))
        allowed = self._decide(3000.0)
        self.assertEqual(allowed["level"], "warn")  # 86% of the limit in force, not over it
        self.assertIn("temporary increase of", allowed["message"])
        held = self._decide(4000.0)
        self.assertEqual(held["level"], "block")
        self.assertIn("temporary increase of", held["message"])
        history = self.env["credit.history"].search(
            [("partner_id", "=", self.customer.id), ("kind", "=", "temporary")]
        )
        self.assertEqual(history.new_amount, 1000.0)
        # its last day passed: the cron ends it and tells the salesperson and finance
        self.env.cr.execute(
            "UPDATE credit_limit_increase SET date_end = %s WHERE id = %s",
            [self.today - timedelta(days=1), increase.id],
        )
        self.env.invalidate_all()
        self.assertEqual(self._limits()[0], 2500.0)  # the service counts the days anyway
        self.env["credit.limit.increase"]._cron_expire()
        self.assertEqual(increase.state, "expired")
        ended = increase.message_ids.filtered(lambda m: "ended on" in (m.body or ""))
        self.assertIn(self.salesperson.partner_id, ended.partner_ids)
        self.assertIn(self.manager.partner_id, ended.partner_ids)
        self.assertEqual(
            len(
                self.env["credit.history"].search(
                    [("partner_id", "=", self.customer.id), ("kind", "=", "temporary")]
                )
            ),
            2,
        )
        self.env["credit.limit.increase"]._cron_expire()  # nothing twice
        self.assertEqual(self._decide(3000.0)["level"], "block")

    def test_whoever_requests_does_not_approve(self):
        increase = self._increase(user=self.analyst)
        increase.action_request()
        with self.assertRaisesRegex(AccessError, "another finance user"):
            increase.with_user(self.analyst).action_approve()
        with self.assertRaises(ValidationError):
            self._increase(amount=-5.0)
        with self.assertRaises(ValidationError):
            self._increase(days=-3)
        with self.assertRaisesRegex(ValidationError, "not one of its contacts"):
            self._increase(partner_id=self.customer_contact.id)
        with self.assertRaises(AccessError):  # the workflow's fields are its own
            self._increase(state="approved")
        increase.with_user(self.manager).action_reject()
        self.assertEqual(increase.state, "rejected")
        self.assertEqual(self._limits()[1], 0.0)

    def test_an_increase_counts_in_its_own_company_only(self):
        other = self._second_company(limit=2500.0, users=(self.analyst, self.manager))
        increase = self._increase(user=self.analyst, company_id=other.id)
        increase.action_request()
        increase.with_user(self.manager).action_approve()
        self.assertEqual(self._limits()[0], 2500.0)
        self.assertEqual(self._decide(3000.0, company=other)["exposure"]["temporary_limit"], 1000.0)

    # -- credit insurance --------------------------------------------------------------------
    def test_insurance_caps_the_limit_and_the_decision_says_so(self):
        insurer = self.env["res.partner"].create({"name": "Taiwan Credit Insurance"})
        with self.assertRaises(AccessError):
            self.env["credit.insurance"].with_user(self.salesperson).create(
                {
                    "name": "P-1",
                    "insurer_id": insurer.id,
                    "partner_id": self.customer.id,
                    "insured_amount": 1000.0,
                }
            )
        self.env["credit.insurance"].with_user(self.analyst).create(
            {
                "name": "P-1",
                "insurer_id": insurer.id,
                "partner_id": self.customer.id,
                "insured_amount": 1000.0,
            }
        )
        self._invoice(self.customer, 1200.0)
        customer = self.customer.with_company(self.company).with_user(self.analyst)
        self.assertEqual(self._limits(), (2500.0, 0.0, 1000.0))
        self.assertEqual(customer.credit_uninsured_exposure, 200.0)
        # the company caps limits at the insured amount plus its own risk
        self.company.write({"credit_insurance_cap": True, "credit_insurance_own_risk": 500.0})
        self.assertEqual(self._limits()[0], 1500.0)
        decision = self._decide(400.0)
        self.assertEqual(decision["level"], "block")
        self.assertIn("capped by credit insurance", decision["message"])
        # a customer without insurance: the own risk only
        bare = self.env["res.partner"].create(
            {"name": "Bare Co", "is_company": True, "credit_limit": 3000.0}
        )
        self.assertEqual(self._limits(bare)[0], 500.0)
        self.company.credit_insurance_cap = False
        self.assertEqual(self._limits()[0], 2500.0)

    # -- what-if ------------------------------------------------------------------------------
    def test_what_if_decides_the_open_documents_and_writes_nothing(self):
        quotation = self._order(self.customer, 1000.0, confirm=False)
        held = self._order(self.customer, 3000.0, confirm=False)
        held.action_confirm()
        self.assertEqual(held.credit_hold_state, "held")
        history = self.env["credit.history"].search_count([])
        status = self.customer.with_company(self.company).sudo().credit_status
        with self.assertRaises(AccessError):
            self.env["credit.what.if"].with_user(self.salesperson).with_context(
                active_id=self.customer.id
            ).default_get(["partner_id"])
        action = self.customer.with_user(self.analyst).action_credit_what_if()
        wizard = Form(
            self.env["credit.what.if"].with_user(self.analyst).with_context(**action["context"])
        )
        self.assertEqual(wizard.current_limit, 2500.0)
        wizard.new_limit = 6000.0
        what_if = wizard.save()
        what_if.action_simulate()
        lines = {line.order_id: line for line in what_if.line_ids}
        self.assertEqual((lines[held].level_now, lines[held].level_then), ("block", "ok"))
        self.assertFalse(lines[quotation].changed)
        self.assertEqual(what_if.new_available, 6000.0)
        # blocked: everything would be held
        what_if.new_status = "blocked"
        what_if.action_simulate()
        self.assertEqual(set(what_if.line_ids.mapped("level_then")), {"block"})
        # nothing of the customer changed
        customer = self.customer.with_company(self.company).sudo()
        self.assertEqual((customer.credit_limit, customer.credit_status), (2500.0, status))
        self.assertEqual(self.env["credit.history"].search_count([]), history)
        self.assertEqual(held.credit_hold_state, "held")

    # -- payment promises --------------------------------------------------------------------
    def _promise(self, invoice, amount, days=5, user=None):
        return (
            self.env["credit.payment.promise"]
            .with_user(user or self.analyst)
            .create(
                {
                    "partner_id": self.customer.id,
                    "amount": amount,
                    "promise_date": self.today + timedelta(days=days),
                    "contact_id": self.customer_contact.id,
                    "move_ids": [(6, 0, invoice.ids)],
                    "note": "Said on the phone",
                }
            )
        )

    def _pass_date(self, promise):
        self.env.cr.execute(
            "UPDATE credit_payment_promise SET promise_date = %s WHERE id = %s",
            [self.today - timedelta(days=1), promise.id],
        )
        self.env.invalidate_all()

    def test_promises_to_pay_soften_the_overdue_rule_and_broken_ones_escalate(self):
        invoice = self._invoice(self.customer, 1000.0, days_ago=40, due_in=30)
        self.assertEqual(self._decide(100.0)["level"], "block")
        with self.assertRaises(AccessError):  # finance records promises
            self._promise(invoice, 1000.0, user=self.salesperson)
        promise = self._promise(invoice, 1000.0)
        self.assertEqual(promise.residual_at_promise, 1000.0)
        self.assertEqual(self._decide(100.0)["level"], "block")  # the setting is off
        self.company.credit_promise_softens_overdue = True
        decision = self._decide(100.0)
        self.assertEqual(decision["level"], "warn")
        self.assertIn("promise to pay is in force", decision["message"])
        # the date passes unpaid: broken, a credit event and activities
        self._pass_date(promise)
        self.assertEqual(self._decide(100.0)["level"], "block")
        self.env["credit.payment.promise"]._cron_check_promises()
        self.assertEqual(promise.state, "broken")
        self.assertEqual(promise.event_id.partner_id, self.customer)
        self.assertEqual(promise.event_id.severity, "high")
        self.assertIn(self.analyst, promise.activity_ids.user_id)
        with self.assertRaises(UserError):
            promise.with_user(self.analyst).write({"amount": 1.0})
        # a second promise, kept: 400 paid before its date
        kept = self._promise(invoice, 400.0, days=1)
        self._pay(invoice, 400.0)
        self._pass_date(kept)
        self.env["credit.payment.promise"]._cron_check_promises()
        self.assertEqual((kept.state, kept.paid_amount), ("kept", 400.0))
        customer = self.customer.with_company(self.company).with_user(self.analyst)
        self.assertEqual((customer.credit_promises_kept, customer.credit_promises_broken), (1, 1))
        file = self.env["credit.file"]._for_partner(self.customer, self.company)
        self.assertEqual(file.promise_record, "1 kept, 1 broken")
        # a broken promise is an early-warning signal
        Warning = self.env["credit.monitoring.early_warning"]
        signals = dict(
            Warning._signal_broken_promises(
                self.company, {"year": self.today - timedelta(days=365)}
            )
        )
        self.assertIn("1 broken promises", signals[self.customer.id])
        # salespeople read their customers' promises, change none
        self.customer.user_id = self.salesperson
        mine = self.env["credit.payment.promise"].with_user(self.salesperson).search([])
        self.assertEqual(mine, promise | kept)
        with self.assertRaises(AccessError):
            kept.with_user(self.salesperson).action_cancel()

    def test_insurance_and_promises_count_in_their_own_company_only(self):
        other = self._second_company(limit=2500.0, users=(self.analyst, self.manager))
        insurer = self.env["res.partner"].create({"name": "Insurer Two"})
        self.env["credit.insurance"].with_user(self.analyst).create(
            {
                "name": "P-2",
                "insurer_id": insurer.id,
                "partner_id": self.customer.id,
                "company_id": other.id,
                "insured_amount": 800.0,
            }
        )
        (self.company | other).write(
            {"credit_insurance_cap": True, "credit_insurance_own_risk": 100.0}
        )
        self.assertEqual(self._decide(0.0, company=other)["exposure"]["limit"], 900.0)
        self.assertEqual(self._decide(0.0)["exposure"]["limit"], 100.0)  # no insurance here
        # a promise in the second company softens nothing in the first
        self.company.credit_insurance_cap = False
        (self.company | other).write({"credit_promise_softens_overdue": True})
        invoice = self._invoice(self.customer, 1000.0, days_ago=40, due_in=30)
        self.env["credit.payment.promise"].with_user(self.analyst).create(
            {
                "partner_id": self.customer.id,
                "company_id": other.id,
                "amount": 1000.0,
                "promise_date": self.today + timedelta(days=3),
            }
        )
        self.assertEqual(self._decide(100.0)["level"], "block")
        self.assertTrue(invoice)
