from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.fields import Command
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class CreditCommon(AccountTestInvoicingCommon):
    """Shared set-up: a company with credit control on, a customer with a limit, users for
    every credit role, and helpers that create real invoices, payments and orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the set-up data is finance's: its limits are given with a reason (tests of the
        # reason itself clear it)
        cls.env = cls.env(context=dict(cls.env.context, credit_change_reason="Test set-up"))
        cls.company = cls.env.company
        cls.company.write(
            {
                "credit_control_enabled": True,
                "credit_include_draft_invoices": True,
                "credit_include_uninvoiced_orders": True,
                "credit_overdue_grace_days": 0,
                # the tests of the new-customer rule switch it on (the policy's default)
                "credit_new_customer_rule": "off",
            }
        )
        cls.today = fields.Date.context_today(cls.env.user)
        cls.customer = cls.env["res.partner"].create(
            {"name": "Credit Customer", "is_company": True, "credit_limit": 2500.0}
        )
        cls.customer_contact = cls.env["res.partner"].create(
            {"name": "Credit Customer, Buyer", "parent_id": cls.customer.id}
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Credit Widget",
                "type": "consu",
                "invoice_policy": "order",
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
                "property_account_income_id": cls.company_data["default_account_revenue"].id,
            }
        )
        cls.salesperson = cls._credit_user("credit_sales", "sales_team.group_sale_salesman")
        cls.analyst = cls._credit_user(
            "credit_analyst",
            "credit_management.group_credit_analyst",
            "account.group_account_invoice",
        )
        cls.manager = cls._credit_user("credit_manager", "credit_management.group_credit_manager")
        cls.auditor = cls._credit_user("credit_auditor", "credit_management.group_credit_auditor")
        cls.internal_user = cls._credit_user("plain_user", "base.group_user")

    @classmethod
    def _credit_user(cls, login, *groups):
        return new_test_user(
            cls.env,
            login=login,
            groups=",".join(groups),
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    @classmethod
    def _invoice(
        cls,
        partner,
        amount,
        days_ago=0,
        due_in=0,
        post=True,
        move_type="out_invoice",
        currency=None,
        company=None,
    ):
        """A customer invoice (or credit note) dated ``days_ago`` days ago, due ``due_in`` days
        after that date, without taxes so that amounts are easy to check."""
        company = company or cls.company
        invoice_date = cls.today - timedelta(days=days_ago)
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "invoice_date": invoice_date,
                    "invoice_payment_term_id": False,
                    "invoice_date_due": invoice_date + timedelta(days=due_in),
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Goods", "quantity": 1, "price_unit": amount, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _submit(cls, assessment, user=None):
        """Sales verifies the documents of ``assessment`` (P4.1.2) and submits it."""
        assessment = assessment.with_user(user or cls.salesperson)
        assessment.document_ids.action_verify()
        return assessment.action_submit()

    def _answer(self, document, answer, user, reason="Checked with the customer"):
        """Finance's answer (``release`` or ``reject``) to a held order or invoice, as
        ``user``, through the release wizard."""
        return (
            self.env["credit.release.wizard"]
            .with_user(user)
            .create(
                {document._credit_release_field: document.id, "answer": answer, "reason": reason}
            )
            .action_confirm()
        )

    @classmethod
    def _pay(cls, invoice, amount):
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": cls.today})
            ._create_payments()
        )

    @classmethod
    def _order(cls, partner, amount, qty=1.0, confirm=True, pricelist=None, company=None):
        company = company or cls.company
        vals = {
            "partner_id": partner.id,
            "company_id": company.id,
            "order_line": [
                Command.create(
                    {
                        "product_id": cls.product.id,
                        "product_uom_qty": qty,
                        "price_unit": amount / qty,
                        "tax_id": [Command.clear()],
                    }
                )
            ],
        }
        if pricelist:
            vals["pricelist_id"] = pricelist.id
        order = cls.env["sale.order"].with_company(company).create(vals)
        if pricelist:
            # the pricelist sets the currency; keep the agreed unit price
            order.order_line.price_unit = amount / qty
        if confirm:
            order.action_confirm()
            assert order.state == "sale", order.credit_hold_message
        return order

    @classmethod
    def _second_company(cls, name="Credit Company 2", limit=None, users=()):
        """A second company with credit control on (its own limit for the customer when
        ``limit`` is given), open to the test's user and to ``users``."""
        company = cls.setup_other_company(name=name)["company"]
        company.write({"credit_control_enabled": True, "credit_new_customer_rule": "off"})
        cls.env.user.company_ids |= company
        for user in users:
            user.company_ids |= company
        if limit is not None:
            cls.customer.with_company(company).credit_limit = limit
        return company

    def count_queries(self, call):
        """``(call(), number of queries it ran)``, measured from a flushed and empty cache."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        result = call()
        return result, self.env.cr.sql_log_count - before

    @contextmanager
    def assertRaisesRegex(self, exception, regex):  # pylint: disable=arguments-differ
        """Odoo's assertRaises (which rolls back what the failed call wrote) and a check of
        the message."""
        with self.assertRaises(exception) as context:
            yield context
        self.assertRegex(str(context.exception), regex)

    def exposure(self, partner, company=None):
        return self.env["credit.exposure"]._get_exposure(partner, company or self.company)[
            partner.commercial_partner_id.id
        ]


class KilledRun(Exception):
    """The process running a cron died in the middle of a batch."""


class CreditCronCommon(CreditCommon):
    """For the crons: they run as the superuser over every company with credit control on,
    here only the test's; the customer has a salesperson and finance a credit controller."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.company"].search([("id", "!=", cls.company.id)]).write(
            {"credit_control_enabled": False}
        )
        cls.company.credit_controller_id = cls.analyst
        cls.customer.user_id = cls.salesperson
        cls.Overdue = cls.env["credit.monitoring.overdue"]
        cls.Warning = cls.env["credit.monitoring.early_warning"]
        cls.Review = cls.env["credit.monitoring.review"]
        cls.SnapshotCron = cls.env["credit.monitoring.snapshot"]

    def run_batch(self, cron_xmlid, call):
        """One call of a cron as Odoo's runner makes it (with its progress record); the
        runner commits after it. Returns ``(items done, (done, remaining) reported)``."""
        cron, progress = self.env.ref(cron_xmlid)._add_progress()
        done = call(cron.env.context)
        return done, (progress.done, progress.remaining)

    @contextmanager
    def killed_after(self, model, method):
        """The next call of ``model.method`` inside the block does its work, then the process
        dies: the batch's transaction is rolled back, as PostgreSQL does for a connection that
        is gone. (Only the failure is simulated: the work and the rollback are real.)"""
        model_class = type(self.env[model])
        original = getattr(model_class, method)

        def dying(records, *args, **kwargs):
            original(records, *args, **kwargs)
            raise KilledRun()

        with patch.object(model_class, method, dying), self.assertRaises(KilledRun):
            yield
