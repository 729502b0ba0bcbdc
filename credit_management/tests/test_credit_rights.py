from ast import literal_eval

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestCreditRights(CreditCommon):
    """Who may change a customer's credit, on every path (create, write, import, RPC), and
    who reaches what: accountants as credit roles, credit managers in the credit settings,
    the Customer Credit list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the demo salesperson's case: a sales user who also has Odoo's Invoicing rights
        cls.billing_sales = cls._credit_user(
            "credit_billing_sales",
            "sales_team.group_sale_salesman",
            "account.group_account_invoice",
        )
        cls.accounting_admin = cls._credit_user(
            "credit_accountant", "account.group_account_manager"
        )

    def test_only_finance_changes_a_limit_and_always_with_a_reason(self):
        customer = self.customer.with_context(credit_change_reason=False)
        for user in (self.billing_sales, self.salesperson):
            with self.assertRaises(AccessError):
                customer.with_user(user).credit_limit = 99999.0
            with self.assertRaises(AccessError):
                customer.with_user(user).write({"use_partner_credit_limit": False})
        with self.assertRaisesRegex(UserError, "with a reason"):
            customer.with_user(self.analyst).credit_limit = 3000.0
        self.assertEqual(self.customer.credit_limit, 2500.0)
        # through the wizard, with the reason kept in the history and the chatter
        action = customer.with_user(self.analyst).action_credit_change_limit()
        wizard = (
            self.env["credit.hold.wizard"]
            .with_user(self.analyst)
            .with_context(credit_change_reason=False)
            .with_context(**action["context"])
            .create({"new_limit": 3000.0, "reason": "New bank guarantee"})
        )
        self.assertEqual(wizard.current_limit, 2500.0)
        wizard.action_confirm()
        self.assertEqual(self.customer.credit_limit, 3000.0)
        history = (
            self.env["credit.history"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.customer.id),
                    ("kind", "=", "limit"),
                    ("reason", "!=", "Test set-up"),
                ]
            )
        )
        self.assertRecordValues(
            history,
            [{"old_amount": 2500.0, "new_amount": 3000.0, "reason": "New bank guarantee"}],
        )
        self.assertIn("New bank guarantee", self.customer.message_ids[:1].body)

    def test_a_limit_above_the_threshold_needs_a_manager(self):
        self.company.credit_assessment_manager_amount = 50000.0
        partner = self.customer.with_context(credit_change_reason="Big order coming")
        with self.assertRaisesRegex(AccessError, "credit manager"):
            partner.with_user(self.analyst).credit_limit = 60000.0
        partner.with_user(self.analyst).credit_limit = 40000.0
        partner.with_user(self.manager).credit_limit = 60000.0
        self.assertEqual(self.customer.credit_limit, 60000.0)

    def test_no_negative_limit_and_no_negative_settings(self):
        with self.assertRaises(ValidationError):
            self.customer.with_user(self.analyst).with_context(
                credit_change_reason="Unlimited"
            ).credit_limit = -500.0
        for fname in (
            "credit_review_notice_days",
            "credit_new_customer_amount",
            "credit_assessment_manager_amount",
            "credit_release_manager_amount",
        ):
            with self.assertRaises(ValidationError, msg=fname):
                self.company.write({fname: -1})

    def test_creating_a_customer_cannot_forge_its_credit(self):
        Partner = self.env["res.partner"].with_context(credit_change_reason=False)
        for vals in (
            {"credit_limit": 1000000.0},
            {"credit_status": "approved"},
            {"credit_rating_id": self.env.ref("credit_management.rating_a").id},
        ):
            with self.assertRaises(AccessError):
                Partner.with_user(self.salesperson).create({"name": "Forged", **vals})
        # a salesperson still creates customers and their contacts
        customer = Partner.with_user(self.salesperson).create(
            {"name": "Honest", "is_company": True}
        )
        Partner.with_user(self.salesperson).create({"name": "Buyer", "parent_id": self.customer.id})
        self.assertFalse(customer.sudo().credit_limit)
        # finance imports customers with their limits: the import is the reason
        imported = (
            Partner.with_user(self.analyst)
            .with_context(import_file=True)
            .create({"name": "Imported", "is_company": True, "credit_limit": 7000.0})
        )
        row = self.env["credit.history"].sudo().search([("partner_id", "=", imported.id)])
        self.assertEqual((row.kind, row.new_amount), ("limit", 7000.0))
        self.assertIn("Imported by", row.reason)

    def test_accountants_are_finance_analysts_unless_the_company_changes_it(self):
        self.assertTrue(self.accounting_admin.has_group("credit_management.group_credit_analyst"))
        self.assertFalse(self.billing_sales.has_group("credit_management.group_credit_analyst"))
        # the accountant sees the credit figures and the hold queue
        customer = self.customer.with_user(self.accounting_admin)
        self.assertEqual(customer.credit_status, False)
        self.assertEqual(customer.credit_exposure, 0.0)
        self.assertTrue(
            self.env["sale.order"]
            .with_user(self.accounting_admin)
            .search_count([("credit_hold_state", "=", "held")])
            >= 0
        )
        # the company maps its accountants to another role
        self.company.with_user(self.manager).credit_role_account_manager = "auditor"
        self.accounting_admin.invalidate_recordset()
        self.assertTrue(self.accounting_admin.has_group("credit_management.group_credit_auditor"))
        self.assertFalse(self.accounting_admin.has_group("credit_management.group_credit_analyst"))
        self.assertEqual(self.company.credit_role_account_manager, "auditor")
        with self.assertRaises(AccessError):
            self.company.with_user(self.analyst).credit_role_account_invoice = "analyst"

    def test_credit_manager_reaches_the_credit_settings(self):
        self.assertFalse(self.manager.has_group("base.group_system"))
        action = self.env["res.company"].with_user(self.manager).action_credit_settings()
        self.assertEqual(action["res_id"], self.company.id)
        company = self.company.with_user(self.manager)
        company.write({"credit_warning_threshold": 75.0, "credit_overdue_grace_days": 3})
        self.assertEqual(self.company.credit_warning_threshold, 75.0)
        with self.assertRaises(AccessError):
            company.write({"name": "Renamed by the credit manager"})
        with self.assertRaises(AccessError):
            self.company.with_user(self.analyst).write({"credit_warning_threshold": 70.0})
        result = company.action_credit_run_snapshot()
        self.assertEqual(result["tag"], "display_notification")
        with self.assertRaises(AccessError):
            self.company.with_user(self.analyst).action_credit_run_overdue_check()
        result = company.action_credit_run_overdue_check()
        self.assertIn("updated", result["params"]["message"])

    def test_customer_credit_list_has_every_customer_with_credit(self):
        """A customer on hold with orders and no posted invoice is in the list."""
        Partner = self.env["res.partner"]
        ordering = Partner.create(
            {"name": "Orders Only", "is_company": True, "credit_limit": 100.0}
        )
        ordering.with_user(self.analyst).write(
            {"credit_status": "hold", "credit_hold_reason": "Waiting for a guarantee"}
        )
        self.env["sale.order"].create(
            {
                "partner_id": ordering.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "price_unit": 140.0, "tax_id": []}
                    )
                ],
            }
        )._credit_proceed()
        limit_only = Partner.create({"name": "Limit Only", "is_company": True, "credit_limit": 5.0})
        nothing = Partner.create({"name": "Nothing", "is_company": True})
        self.assertFalse(ordering.customer_rank)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.res_partner_credit_action"
        )
        found = Partner.with_user(self.analyst).search(literal_eval(action["domain"]))
        self.assertIn(ordering, found)
        self.assertIn(limit_only, found)
        self.assertNotIn(nothing, found)
        on_hold = Partner.with_user(self.analyst).search(
            literal_eval(action["domain"]) + [("credit_on_hold", "=", True)]
        )
        self.assertIn(ordering, on_hold)
        self.assertTrue(ordering.with_user(self.analyst).credit_over_limit)

    def test_finance_who_also_sells_sees_every_held_order(self):
        """A credit manager with Sales rights limited to their own documents still finds the
        held orders of the other salespeople."""
        selling_manager = self._credit_user(
            "credit_selling_manager",
            "credit_management.group_credit_manager",
            "sales_team.group_sale_salesman",
        )
        self._invoice(self.customer, 2400.0)
        order = self._order(self.customer, 500.0, confirm=False)
        order.user_id = self.salesperson
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.credit_hold_state, "held")
        Order = self.env["sale.order"].with_user(selling_manager)
        self.assertEqual(Order.search([("credit_hold_state", "=", "held")]), order)
        self.assertTrue(order.with_user(selling_manager).order_line.read(["price_unit"]))

    def test_contacts_cannot_carry_a_forged_credit(self):
        """A contact detached from its company with a limit or status of its own, or created
        with a status: the same rules as a customer."""
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.customer.id})
        self.assertEqual(contact.credit_limit, 2500.0)  # Odoo's sync still works
        for user in (self.billing_sales, self.salesperson):
            with self.assertRaises(AccessError):
                contact.with_user(user).write(
                    {"parent_id": False, "credit_limit": 1000000.0, "credit_status": "approved"}
                )
            with self.assertRaises(AccessError):
                self.env["res.partner"].with_user(user).create(
                    {"name": "Planted", "parent_id": self.customer.id, "credit_status": "approved"}
                )
        # the history of a change names the assessment only when one made it
        self.customer.with_user(self.analyst).with_context(
            credit_assessment_id=self.env["credit.assessment"].sudo().search([], limit=1).id,
            credit_change_reason="Forged source",
        ).credit_limit = 2600.0
        row = self.env["credit.history"].sudo().search([("reason", "=", "Forged source")])
        self.assertFalse(row.assessment_id)

    def test_finance_reads_others_orders_but_writes_only_what_sales_rights_allow(self):
        selling_analyst = self._credit_user(
            "credit_selling_analyst",
            "credit_management.group_credit_analyst",
            "sales_team.group_sale_salesman",
        )
        order = self._order(self.customer, 100.0, confirm=False)
        order.user_id = self.salesperson
        self.assertTrue(order.with_user(selling_analyst).read(["name"]))
        with self.assertRaises(AccessError):
            order.with_user(selling_analyst).write({"note": "changed by finance"})
        with self.assertRaises(AccessError):
            order.with_user(selling_analyst).unlink()
