from ast import literal_eval

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestOrderCreditControl(CreditCommon):
    """Sale orders go through the credit decision on confirmation: held for finance when a
    rule blocks, released or rejected by finance with a reason kept for good."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "credit_controller_id": cls.analyst.id,
                "credit_release_manager_amount": 1000.0,
                "credit_warning_threshold": 80.0,
            }
        )
        cls.hold_type = cls.env.ref("credit_management.mail_activity_type_credit_hold")

    def _quotation(self, amount, user=None, partner=None):
        """A quotation created by the salesperson (who then owns it)."""
        user = user or self.salesperson
        return (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": (partner or self.customer).id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )

    def _hold_activities(self, record):
        return record.activity_ids.filtered(lambda a: a.activity_type_id == self.hold_type)

    # ------------------------------------------------------------------------------------------
    def test_order_within_limit_is_confirmed(self):
        self._invoice(self.customer, 900.0)  # 76% with the order: no warning either
        order = self._quotation(1000.0)
        self.assertIs(order.action_confirm(), True)
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.credit_hold_state)
        self.assertFalse(self._hold_activities(order))

    def test_order_over_limit_is_held_with_an_explanation(self):
        self._invoice(self.customer, 2000.0)
        order = self._quotation(1000.0)
        result = order.with_user(self.salesperson).action_confirm()

        self.assertEqual(result["tag"], "display_notification")
        self.assertIn(order.name, result["params"]["message"])
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.credit_hold_state, "held")
        self.assertEqual(order.credit_hold_rules, "over_limit")
        message = order.credit_hold_message
        self.assertIn("Over credit limit", message)
        for figure in ("2,000.00", "3,000.00", "2,500.00", "500.00", "1,000.00"):
            self.assertIn(figure, message)
        self.assertIn("receivable not due", message)
        activity = self._hold_activities(order)
        self.assertEqual(activity.user_id, self.analyst)
        self.assertIn("Over credit limit", order.message_ids[:1].body)

    def test_overdue_beyond_grace_blocks(self):
        self._invoice(self.customer, 100.0, days_ago=10, due_in=0)
        self.company.credit_overdue_grace_days = 15
        order = self._quotation(100.0)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

        self.company.credit_overdue_grace_days = 5
        order_2 = self._quotation(100.0)
        order_2.with_user(self.salesperson).action_confirm()
        self.assertEqual(order_2.credit_hold_state, "held")
        self.assertEqual(order_2.credit_hold_rules, "overdue")
        self.assertIn("oldest for 10 days (grace: 5 days)", order_2.credit_hold_message)

    def test_customer_on_hold_blocks_any_order(self):
        self.customer.with_user(self.analyst).write(
            {"credit_status": "hold", "credit_hold_reason": "Cheque bounced"}
        )
        order = self._quotation(10.0)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.credit_hold_rules, "status")
        self.assertIn("Cheque bounced", order.credit_hold_message)

    def test_contact_order_is_checked_on_the_company(self):
        self._invoice(self.customer, 2400.0)
        order = self._quotation(500.0, partner=self.customer_contact)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.credit_hold_state, "held")

    def test_warning_never_blocks_and_shows_on_the_quotation(self):
        self._invoice(self.customer, 1500.0)
        order = self._quotation(600.0).with_user(self.salesperson)
        self.assertEqual(order.credit_check_level, "warn")
        self.assertEqual(order.credit_check_available, 1000.0)
        self.assertIn("84.0% of the credit limit", order.credit_check_message)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.credit_hold_state)
        self.assertIn("High credit utilisation", order.message_ids[:1].body)

    def test_quotation_banner_says_what_confirm_would_do(self):
        self._invoice(self.customer, 300.0, days_ago=40, due_in=30)
        with Form(self.env["sale.order"].with_user(self.salesperson)) as form:
            form.partner_id = self.customer
            with form.order_line.new() as line:
                line.product_id = self.product
                line.price_unit = 3000.0
                line.tax_id.clear()
            self.assertEqual(form.credit_check_level, "block")
            self.assertEqual(form.credit_check_overdue, 300.0)
            self.assertEqual(form.credit_check_available, 2200.0)
            self.assertIn("Over credit limit", form.credit_check_message)
            self.assertIn("Overdue receivables", form.credit_check_message)
            line = form.order_line.edit(0)
            line.price_unit = 100.0
            line.save()
            self.assertEqual(form.credit_check_level, "block")  # still overdue
        order = form.save()
        self.assertIn("300.00 is overdue", order.credit_check_message)
        # users outside the credit groups do not get the figures
        with self.assertRaises(AccessError):
            order.with_user(self.internal_user).read(["credit_check_message"])

    def test_crm_opportunity_shows_the_customer_summary(self):
        self._invoice(self.customer, 2000.0)
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesperson)
            .create(
                {
                    "name": "Big deal",
                    "type": "opportunity",
                    "partner_id": self.customer.id,
                    "expected_revenue": 1000.0,
                }
            )
        )
        self.assertEqual(lead.credit_check_level, "block")
        self.assertEqual(lead.credit_check_available, 500.0)
        self.assertIn("Over credit limit", lead.credit_check_message)
        lead.expected_revenue = 100.0
        self.assertEqual(lead.credit_check_level, "warn")

    # ------------------------------------------------------------------------------------------
    # No way around the check
    # ------------------------------------------------------------------------------------------
    def test_salesperson_cannot_get_around_the_hold(self):
        self._invoice(self.customer, 2400.0)
        order = self._quotation(500.0).with_user(self.salesperson)
        order.action_confirm()
        self.assertEqual(order.credit_hold_state, "held")

        with self.assertRaises(AccessError):
            order.write({"credit_hold_state": "released"})
        with self.assertRaises(UserError):
            order.write({"state": "sale"})
        with self.assertRaises(UserError):
            self.env["sale.order"].with_user(self.salesperson).create(
                {"partner_id": self.customer.id, "state": "sale"}
            )
        with self.assertRaises(AccessError):
            self.env["credit.release.wizard"].with_user(self.salesperson).create(
                {"order_id": order.id, "answer": "release", "reason": "Please"}
            )
        # sudo does not skip the check either (portal and payment flows confirm as sudo)
        order.sudo().action_confirm()
        self.assertEqual(order.state, "draft")

        copy = order.copy()
        self.assertFalse(copy.credit_hold_state)
        copy.action_confirm()
        self.assertEqual((copy.state, copy.credit_hold_state), ("draft", "held"))
        self.assertEqual(order.state, "draft")

    def test_mass_confirmation_counts_the_orders_confirmed_before(self):
        orders = self._quotation(1500.0) | self._quotation(1500.0) | self._quotation(100.0)
        result = orders.with_user(self.salesperson).action_confirm()
        self.assertEqual(orders.mapped("state"), ["sale", "draft", "sale"])
        self.assertEqual(orders[1].credit_hold_state, "held")
        self.assertIn(orders[1].name, result["params"]["message"])
        self.assertNotIn(orders[0].name, result["params"]["message"])

    def test_customer_signing_or_paying_part_online_is_held(self):
        self._invoice(self.customer, 2400.0)
        signed = self._quotation(500.0)
        signed.sudo()._validate_order()  # what the portal does when the customer signs
        self.assertEqual((signed.state, signed.credit_hold_state), ("draft", "held"))

        partly_paid = self._quotation(500.0)
        partly_paid.write({"require_payment": True, "prepayment_percent": 0.5})
        self._online_payment(partly_paid, 250.0)
        self.assertEqual((partly_paid.state, partly_paid.credit_hold_state), ("draft", "held"))

    def test_order_paid_in_full_online_is_not_held(self):
        self._invoice(self.customer, 2400.0)
        order = self._quotation(500.0)
        order.require_payment = True
        self._online_payment(order, 500.0)
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.credit_hold_state)

    def _online_payment(self, order, amount):
        order.partner_id.email = "buyer@example.com"  # the customer writes the payment note
        method = self.env.ref("payment.payment_method_unknown")
        provider = self.env["payment.provider"].create(
            {
                "name": "Test Provider",
                "code": "none",
                "state": "test",
                "payment_method_ids": [Command.set(method.ids)],
            }
        )
        method.active = True
        transaction = self.env["payment.transaction"].create(
            {
                "provider_id": provider.id,
                "payment_method_id": method.id,
                "amount": amount,
                "currency_id": order.currency_id.id,
                "partner_id": order.partner_id.id,
                "reference": f"{order.name}-{amount}",
                "operation": "online_redirect",
                "sale_order_ids": [Command.set(order.ids)],
            }
        )
        transaction._set_done()
        transaction._check_amount_and_confirm_order()  # as the payment post-processing does

    # ------------------------------------------------------------------------------------------
    # Finance's answer
    # ------------------------------------------------------------------------------------------
    def test_analyst_releases_a_held_order(self):
        self._invoice(self.customer, 2000.0)
        order = self._quotation(1000.0)
        order.with_user(self.salesperson).action_confirm()

        self._answer(order, "release", self.analyst, "Customer confirmed payment next week")
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_hold_state, "released")
        release = order.sudo().credit_release_ids
        self.assertRecordValues(
            release,
            [
                {
                    "answer": "release",
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "amount": 1000.0,
                    "exposure": 2000.0,
                    "credit_limit": 2500.0,
                    "excess": 500.0,
                    "rule_codes": "over_limit",
                    "user_id": self.analyst.id,
                    "salesperson_id": self.salesperson.id,
                    "reason": "Customer confirmed payment next week",
                    "document_name": order.name,
                }
            ],
        )
        self.assertIn("Customer confirmed payment next week", order.message_ids[1].body)
        self.assertFalse(self._hold_activities(order))
        # kept for good
        for user in (self.analyst, self.manager):
            with self.assertRaises(UserError):
                release.with_user(user).write({"reason": "changed"})
            with self.assertRaises(UserError):
                release.with_user(user).unlink()
        self.assertEqual(release.with_user(self.auditor).reason, release.reason)
        with self.assertRaises(AccessError):
            release.with_user(self.salesperson).read(["reason"])

    def test_release_beyond_tolerance_needs_a_manager(self):
        self._invoice(self.customer, 2000.0)
        order = self._quotation(2000.0)
        order.with_user(self.salesperson).action_confirm()  # 1,500 over the limit

        wizard = (
            self.env["credit.release.wizard"]
            .with_user(self.analyst)
            .create({"order_id": order.id, "answer": "release", "reason": "Big customer"})
        )
        self.assertTrue(wizard.needs_manager)
        with self.assertRaises(AccessError):
            wizard.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.sudo().credit_release_ids)

        self._answer(order, "release", self.manager, "Approved by the credit manager")
        self.assertEqual(order.state, "sale")

    def test_reject_notifies_the_salesperson(self):
        self._invoice(self.customer, 2400.0)
        order = self._quotation(500.0)
        order.with_user(self.salesperson).action_confirm()

        self._answer(order, "reject", self.analyst, "Too many overdue invoices")
        self.assertEqual((order.state, order.credit_hold_state), ("draft", "rejected"))
        message = order.message_ids.filtered(lambda m: "rejected by" in m.body)
        self.assertIn("Too many overdue invoices", message.body)
        self.assertIn(self.salesperson.partner_id, message.partner_ids)
        todo = order.activity_ids.filtered(lambda a: a.user_id == self.salesperson)
        self.assertEqual(todo.activity_type_id, self.env.ref("mail.mail_activity_data_todo"))
        self.assertFalse(self._hold_activities(order))
        self.assertEqual(order.sudo().credit_release_ids.answer, "reject")
        with self.assertRaises(UserError):  # nothing left to answer
            self._answer(order, "release", self.manager)

    def test_released_order_raised_afterwards_is_checked_again(self):
        self._invoice(self.customer, 2000.0)
        order = self._quotation(800.0)
        order.with_user(self.salesperson).action_confirm()
        self._answer(order, "release", self.analyst)
        self.assertEqual(order.state, "sale")

        order._action_cancel()
        order.action_draft()
        # the same amount again: the release still covers it
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

        order._action_cancel()
        order.action_draft()
        order.order_line.with_user(self.salesperson).price_unit = 900.0
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual((order.state, order.credit_hold_state), ("draft", "held"))
        self.assertTrue(self._hold_activities(order))

    def test_held_order_passes_once_the_customer_pays(self):
        invoice = self._invoice(self.customer, 2400.0)
        order = self._quotation(500.0)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.credit_hold_state, "held")

        self._pay(invoice, 2400.0)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.credit_hold_state)
        self.assertFalse(self._hold_activities(order))

    def test_held_orders_menu_for_finance(self):
        self._invoice(self.customer, 2400.0)
        held = self._quotation(500.0)
        held.with_user(self.salesperson).action_confirm()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.sale_order_credit_hold_action"
        )
        domain = literal_eval(action["domain"])
        Order = self.env["sale.order"].with_user(self.analyst)
        self.assertEqual(Order.search(domain + [("credit_hold_state", "=", "held")]), held)
        groups = Order.read_group(domain, ["amount_total:sum"], ["credit_hold_state"])
        self.assertEqual(groups[0]["credit_hold_state"], "held")
        self.assertEqual(groups[0]["amount_total"], 500.0)
        self.assertEqual(self.env["sale.order"].with_user(self.auditor).search(domain), held)

    def test_each_company_decides_on_its_own_limit(self):
        company_2 = self._second_company(limit=10000.0, users=self.salesperson | self.analyst)
        self._invoice(self.customer, 2400.0)  # over the limit in the first company only

        order_1 = self._quotation(500.0)
        order_2 = (
            self.env["sale.order"]
            .with_user(self.salesperson)
            .with_company(company_2)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": company_2.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "price_unit": 500.0, "tax_id": []}
                        )
                    ],
                }
            )
        )
        (order_1 | order_2).with_user(self.salesperson).with_context(
            allowed_company_ids=[self.company.id, company_2.id]
        ).action_confirm()
        self.assertEqual(order_1.credit_hold_state, "held")
        self.assertEqual(order_2.state, "sale")
        # finance of the first company only sees its own held orders
        self.analyst.company_ids = self.company
        self.assertEqual(
            self.env["sale.order"]
            .with_user(self.analyst)
            .search([("credit_hold_state", "!=", False)]),
            order_1,
        )

    def test_foreign_currency_order_is_decided_in_company_currency(self):
        foreign = self.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        pricelist = self.env["product.pricelist"].create(
            {"name": "EUR prices", "currency_id": foreign.id}
        )
        self._invoice(self.customer, 2000.0)
        # 1,000 EUR is 500 in company currency: exactly the 500 left
        within = self._order(self.customer, 1000.0, pricelist=pricelist, confirm=False)
        self.assertEqual(within.currency_id, foreign)
        self.assertEqual(within._credit_amount(), 500.0)
        within.action_confirm()
        self.assertEqual(within.state, "sale")
        over = self._order(self.customer, 2.0, pricelist=pricelist, confirm=False)
        over.action_confirm()
        self.assertEqual(over.credit_hold_state, "held")
        self.assertIn("2,501.00 exceeds the credit limit", over.credit_hold_message)

    def test_credit_control_off_confirms_as_odoo_does(self):
        self.company.credit_control_enabled = False
        self._invoice(self.customer, 5000.0)
        order = self._quotation(500.0)
        self.assertFalse(order.credit_check_level)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
