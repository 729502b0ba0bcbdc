from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestHoldLifecycle(CreditCommon):
    """A held document from the hold to finance's answer, as the salesperson, the analyst and
    the credit manager meet it (defects found by trying the add-on as its users would)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"credit_controller_id": cls.analyst.id, "credit_release_manager_amount": 1000.0}
        )
        cls.customer.user_id = cls.salesperson
        cls.hold_type = cls.env.ref("credit_management.mail_activity_type_credit_hold")

    def _quotation(self, amount, partner=None, user=None):
        return (
            self.env["sale.order"]
            .with_user(user or self.salesperson)
            .create(
                {
                    "partner_id": (partner or self.customer).id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "price_unit": amount, "tax_id": []}
                        )
                    ],
                }
            )
        )

    def _reason_wizard(self, document, mode, user, reason):
        action = document.with_user(user)._credit_reason_wizard_action(mode)
        return (
            self.env["credit.reason.wizard"]
            .with_user(user)
            .with_context(**action["context"])
            .create({"reason": reason})
            .action_confirm()
        )

    def _hold_activities(self, record):
        return record.activity_ids.filtered(lambda a: a.activity_type_id == self.hold_type)

    # ------------------------------------------------------------------------------------------
    # What a missing limit means
    # ------------------------------------------------------------------------------------------
    def test_customer_without_limit_gets_no_credit(self):
        """Limit 0, never assessed: not "Within Credit", and a 53,970 order is held."""
        newcomer = self.env["res.partner"].create({"name": "Newcomer Ltd", "is_company": True})
        order = self._quotation(53970.0, partner=newcomer)
        self.assertEqual(order.credit_check_level, "block")
        self.assertIn("No credit limit", order.credit_check_message)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual((order.state, order.credit_hold_state), ("draft", "held"))
        self.assertIn("no_limit", order.credit_hold_rules)
        # the policy's default (P3.1.2): new customers are assessed before the contract
        fresh = self.env["res.company"].create({"name": "Fresh Credit Co"})
        self.assertEqual(fresh.credit_new_customer_rule, "block")
        self.assertFalse(fresh.credit_new_customer_amount)
        # releasing all of it is beyond the analyst's tolerance: it is all excess
        wizard = (
            self.env["credit.release.wizard"]
            .with_user(self.analyst)
            .create({"order_id": order.id, "reason": "Cash customer"})
        )
        self.assertEqual(wizard.excess, 53970.0)
        self.assertTrue(wizard.needs_manager)

    # ------------------------------------------------------------------------------------------
    # Overdue already paid
    # ------------------------------------------------------------------------------------------
    def test_unapplied_payments_net_against_overdue(self):
        self.customer.with_user(self.analyst).with_context(
            credit_change_reason="Bigger orders"
        ).credit_limit = 200000.0
        self._invoice(self.customer, 31750.0, days_ago=20, due_in=5)  # 15 days overdue
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer.id,
                "amount": 95250.0,
            }
        )
        payment.action_post()  # not matched with the invoice: an unapplied credit
        partner = self.customer.with_user(self.salesperson)
        self.assertFalse(partner.credit_is_overdue)
        self.assertFalse(
            self.env["res.partner"].search(
                [("credit_is_overdue", "=", True), ("id", "=", self.customer.id)]
            )
        )
        order = self._quotation(100.0)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

        self.company.credit_net_unapplied_overdue = False
        self.customer.invalidate_recordset()
        self.assertTrue(partner.credit_is_overdue)
        held = self._quotation(100.0)
        held.with_user(self.salesperson).action_confirm()
        self.assertEqual(held.credit_hold_rules, "overdue")
        # with netting on, an overdue part the credits do not cover still blocks, and the
        # explanation gives both figures
        self.company.credit_net_unapplied_overdue = True
        self._invoice(self.customer, 80000.0, days_ago=20, due_in=5)
        decision = held._credit_decide()
        overdue = next(rule for rule in decision["rules"] if rule["code"] == "overdue")
        self.assertIn("111,750.00 is overdue", overdue["detail"])
        self.assertIn("unapplied credits of", overdue["detail"])
        self.assertIn("95,250.00", overdue["detail"])
        self.assertIn("16,500.00 is still overdue", overdue["detail"])

    # ------------------------------------------------------------------------------------------
    # Stale and inconsistent figures
    # ------------------------------------------------------------------------------------------
    def test_held_order_shows_todays_figures(self):
        self._invoice(self.customer, 300.0, days_ago=20, due_in=5)  # 15 days overdue
        self.company.credit_net_unapplied_overdue = False
        with freeze_time(self.today):
            order = self._quotation(3000.0)
            order.with_user(self.salesperson).action_confirm()
            held_on = order.credit_hold_date
        self.assertEqual(order.credit_hold_state, "held")
        self.assertIn("2,500.00", order.credit_hold_message)
        # the next day the limit went up and the salesperson asks again
        with freeze_time(self.today + timedelta(days=1)):
            self.customer.with_user(self.analyst).with_context(
                credit_change_reason="Guarantee"
            ).credit_limit = 3100.0
            order.invalidate_recordset()
            order.with_user(self.salesperson).action_confirm()
            self.assertEqual(order.credit_hold_date, held_on, "Held On keeps the first hold")
            banner = order.with_user(self.salesperson).credit_check_message
            self.assertIn("3,100.00", banner)
            self.assertIn("16 days", banner)
            wizard = (
                self.env["credit.release.wizard"]
                .with_user(self.analyst)
                .create({"order_id": order.id, "reason": "x"})
            )
            self.assertIn("16 days", wizard.decision_message)
        self.assertEqual(len(self._hold_activities(order)), 1)

    def test_limit_change_writes_one_history_row(self):
        self.env["res.partner"].create(
            [{"name": f"Buyer {i}", "parent_id": self.customer.id} for i in range(3)]
        )
        self.customer.with_user(self.analyst).with_context(
            credit_change_reason="Annual review"
        ).credit_limit = 5000.0
        rows = (
            self.env["credit.history"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", self.customer.id),
                    ("kind", "=", "limit"),
                    ("reason", "=", "Annual review"),
                ]
            )
        )
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows.partner_id, self.customer)

    # ------------------------------------------------------------------------------------------
    # Finance's answers
    # ------------------------------------------------------------------------------------------
    def test_analyst_beyond_tolerance_asks_a_manager(self):
        self._invoice(self.customer, 2000.0)
        order = self._quotation(2000.0)  # 1,500 over the limit, tolerance 1,000
        order.with_user(self.salesperson).action_confirm()
        wizard = (
            self.env["credit.release.wizard"]
            .with_user(self.analyst)
            .create({"order_id": order.id, "answer": "release", "reason": "Key account"})
        )
        self.assertFalse(wizard.can_release)
        result = wizard.action_ask_manager()
        self.assertEqual(result["tag"], "display_notification")
        asked = self._hold_activities(order).filtered(lambda a: a.user_id == self.manager)
        self.assertTrue(asked)
        self.assertIn("Key account", asked.note)
        self.assertIn("1,500.00", asked.note)
        self.assertEqual(order.credit_hold_state, "held")
        self.assertFalse(order.sudo().credit_release_ids)
        # the manager's release closes every hold activity, the analyst's question too
        self._answer(order, "release", self.manager, "Approved above the tolerance")
        self.assertEqual(order.state, "sale")
        self.assertFalse(self._hold_activities(order))

    def test_releases_come_only_from_the_wizard(self):
        self._invoice(self.customer, 2400.0)
        order = self._quotation(500.0)
        order.with_user(self.salesperson).action_confirm()
        for user in (self.analyst, self.manager):
            with self.assertRaises(AccessError):
                self.env["credit.release"].with_user(user).create(
                    {
                        "answer": "release",
                        "order_id": order.id,
                        "document_name": order.name,
                        "partner_id": self.customer.id,
                        "company_id": self.company.id,
                        "user_id": self.manager.id,
                        "date": fields.Datetime.now() - timedelta(days=30),
                        "reason": "Forged",
                    }
                )
        result = self._answer(order, "release", self.analyst)
        self.assertEqual(result["tag"], "display_notification")
        self.assertIn("released and confirmed", result["params"]["message"])
        self.assertEqual(order.sudo().credit_release_ids.user_id, self.analyst)

    def test_rejected_order_goes_back_only_with_a_reason(self):
        self._invoice(self.customer, 2400.0)
        order = self._quotation(500.0)
        order.with_user(self.salesperson).action_confirm()
        self._answer(order, "reject", self.analyst, "Pay the open invoices first")
        with self.assertRaisesRegex(UserError, "Resubmit to Finance"):
            order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.credit_hold_state, "rejected")

        self._reason_wizard(
            order, "resubmit", self.salesperson, "Customer pays half upfront from next month"
        )
        self.assertEqual((order.state, order.credit_hold_state), ("draft", "held"))
        activity = self._hold_activities(order)
        self.assertEqual(activity.user_id, self.analyst)
        self.assertIn("Customer pays half upfront", activity.note)

    def test_confirmed_order_raised_afterwards_is_held(self):
        self._invoice(self.customer, 1000.0)
        order = self._quotation(1000.0)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        order.with_user(self.salesperson).write(
            {
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "price_unit": 900.0, "tax_id": []}
                    )
                ]
            }
        )
        self.assertEqual((order.state, order.credit_hold_state), ("sale", "held"))
        self.assertIn("over_limit", order.credit_hold_rules)
        self.assertIn("900.00", order.credit_hold_message)
        with self.assertRaisesRegex(UserError, "cannot be invoiced"):
            order.with_user(self.analyst).sudo()._create_invoices()
        self._answer(order, "release", self.analyst, "Extra order agreed")
        self.assertEqual((order.state, order.credit_hold_state), ("sale", "released"))
        self.assertEqual(order.sudo().credit_released_amount, 1900.0)
        # raising a released line again goes back to finance
        order.order_line[0].with_user(self.salesperson).price_unit = 1500.0
        self.assertEqual(order.credit_hold_state, "held")

    def test_release_covers_only_its_customer_amount_and_time(self):
        self._invoice(self.customer, 2000.0)
        other = self.env["res.partner"].create(
            {"name": "Other Buyer", "is_company": True, "credit_limit": 100.0}
        )
        order = self._quotation(800.0)
        order.with_user(self.salesperson).action_confirm()
        self._answer(order, "release", self.analyst)
        order._action_cancel()
        order.action_draft()
        # the same amount, but for another customer: decided again
        order.with_user(self.salesperson).partner_id = other
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual((order.state, order.credit_hold_state), ("draft", "held"))

        order2 = self._quotation(800.0)
        order2.with_user(self.salesperson).action_confirm()
        self._answer(order2, "release", self.analyst)
        order2._action_cancel()
        order2.action_draft()
        # the customer was put on hold after the release: the release no longer covers it
        self.customer.with_user(self.analyst).with_context(credit_change_reason="Cheque").write(
            {"credit_status": "hold", "credit_hold_reason": "Cheque returned"}
        )
        order2.with_user(self.salesperson).action_confirm()
        self.assertEqual((order2.state, order2.credit_hold_state), ("draft", "held"))

    def test_finance_holds_a_single_document_by_hand(self):
        order = self._quotation(100.0)
        with self.assertRaises(AccessError):
            self._reason_wizard(order, "hold", self.salesperson, "Hold it")
        self._reason_wizard(order, "hold", self.analyst, "Delivery address under investigation")
        self.assertEqual(order.credit_hold_state, "held")
        self.assertTrue(order.sudo().credit_hold_manual)
        self.assertIn("Held by finance", order.credit_hold_rule_names)
        todo = order.activity_ids.filtered(lambda a: a.user_id == self.salesperson)
        self.assertIn("Delivery address", todo.note)
        # within the limit, yet it waits for finance
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual((order.state, order.credit_hold_state), ("draft", "held"))
        # released the same way; the salesperson then confirms
        self._answer(order, "release", self.analyst, "Address confirmed")
        self.assertEqual((order.state, order.credit_hold_state), ("draft", "released"))
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

        invoice = self._invoice(self.customer, 50.0, post=False)
        self._reason_wizard(invoice, "hold", self.analyst, "Disputed delivery")
        self.company.credit_check_invoices = True
        invoice.action_post()
        self.assertEqual((invoice.state, invoice.credit_hold_state), ("draft", "held"))

    def test_hold_queue_shows_readable_rules_excess_and_exposure(self):
        self._invoice(self.customer, 2000.0)
        order = self._quotation(1000.0)
        order.with_user(self.salesperson).action_confirm()
        held = (
            self.env["sale.order"]
            .with_user(self.analyst)
            .search([("credit_hold_state", "=", "held"), ("id", "=", order.id)])
        )
        self.assertEqual(held.credit_hold_rule_names, "Over credit limit")
        self.assertEqual(held.credit_hold_exposure, 2000.0)
        self.assertEqual(held.credit_hold_excess, 500.0)
        arch = (
            self.env["sale.order"]
            .with_user(self.analyst)
            .get_views(
                [(self.env.ref("credit_management.sale_order_credit_hold_view_list").id, "list")]
            )
        )["views"]["list"]["arch"]
        self.assertIn('name="action_credit_release"', arch)
        self.assertIn('name="action_credit_reject"', arch)

    def test_portal_customer_never_reads_the_explanation(self):
        self._invoice(self.customer, 2400.0)
        order = self._quotation(500.0)
        order.with_user(self.salesperson).action_confirm()
        portal = new_test_user(self.env, login="credit_portal_buyer", groups="base.group_portal")
        portal.partner_id.parent_id = self.customer
        order.message_subscribe(portal.partner_id.ids)
        for fname in ("credit_hold_message", "credit_hold_rules", "credit_hold_date"):
            with self.assertRaises(AccessError):
                order.with_user(portal).read([fname])

    def test_confirming_with_a_warning_says_so(self):
        self._invoice(self.customer, 1500.0)
        order = self._quotation(600.0)  # 84% of the limit: a warning
        result = order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(result["tag"], "display_notification")
        self.assertIn("High credit utilisation", result["params"]["message"])

    def test_rejected_increase_blocks_invoicing_until_resubmitted(self):
        self._invoice(self.customer, 1000.0)
        order = self._quotation(1000.0)
        order.with_user(self.salesperson).action_confirm()
        order.order_line[0].with_user(self.salesperson).price_unit = 2000.0
        self.assertEqual(order.credit_hold_state, "held")
        self._answer(order, "reject", self.analyst, "Too much this month")
        with self.assertRaisesRegex(UserError, "cannot be invoiced"):
            order.sudo()._create_invoices()
        self._reason_wizard(order, "resubmit", self.salesperson, "Customer paid the invoice")
        self.assertEqual(order.credit_hold_state, "held")
        self.assertIn("Customer paid the invoice", self._hold_activities(order).note)
        # lowered back within the limit: it passes by itself
        order.order_line[0].with_user(self.salesperson).price_unit = 1000.0
        self.assertFalse(order.credit_hold_state)

    def test_hold_by_hand_holds_whatever_the_settings(self):
        self.company.credit_check_invoices = False
        invoice = self._invoice(self.customer, 50.0, post=False)
        self._reason_wizard(invoice, "hold", self.analyst, "Disputed delivery")
        invoice.action_post()
        self.assertEqual((invoice.state, invoice.credit_hold_state), ("draft", "held"))
        # held by hand, rejected, resubmitted: back to finance, not through by the check
        order = self._quotation(100.0)
        self._reason_wizard(order, "hold", self.analyst, "Address under investigation")
        self._answer(order, "reject", self.analyst, "Not before the address is confirmed")
        self._reason_wizard(order, "resubmit", self.salesperson, "Address confirmed by phone")
        self.assertEqual((order.state, order.credit_hold_state), ("draft", "held"))
        self.assertIn("Address confirmed by phone", self._hold_activities(order).note)

    def test_release_ends_when_the_customer_status_gets_worse(self):
        self._invoice(self.customer, 2000.0)
        partner = self.customer.with_user(self.analyst)
        partner.credit_status = "watch"
        order = self._quotation(800.0)
        order.with_user(self.salesperson).action_confirm()
        self._answer(order, "release", self.analyst)
        order._action_cancel()
        order.action_draft()
        partner.write({"credit_status": "hold", "credit_hold_reason": "Cheque returned"})
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual((order.state, order.credit_hold_state), ("draft", "held"))

    def test_first_order_allowance_lets_a_new_customer_start(self):
        self.company.write({"credit_new_customer_rule": "block", "credit_new_customer_amount": 500})
        newcomer = self.env["res.partner"].create({"name": "Walk-in", "is_company": True})
        first = self._quotation(400.0, partner=newcomer)
        first.with_user(self.salesperson).action_confirm()
        self.assertEqual(first.state, "sale")
        second = self._quotation(400.0, partner=newcomer)
        second.with_user(self.salesperson).action_confirm()
        self.assertEqual(second.credit_hold_state, "held")
        self.assertIn("no_limit", second.credit_hold_rules)
