from odoo.fields import Command
from odoo.tests import tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestExposure(CreditCommon):
    """The exposure service (P2.1.2: real-time credit status)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # These tests build exposure from orders of customers over their limit; the credit check
        # that would hold those orders is tested in test_order_credit_control. Exposure does
        # not depend on this switch.
        cls.company.credit_control_enabled = False

    def test_buckets_add_up_from_real_documents(self):
        overdue = self._invoice(self.customer, 500.0, days_ago=40)
        self._pay(overdue, 100.0)
        self._invoice(self.customer, 1000.0, due_in=30)
        self._invoice(self.customer, 50.0, move_type="out_refund")
        self._invoice(self.customer, 200.0, post=False)
        self._order(self.customer, 300.0)
        # documents of other customers and cancelled documents do not count
        other = self.env["res.partner"].create({"name": "Someone Else"})
        self._invoice(other, 999.0, days_ago=10)
        self._order(self.customer, 700.0)._action_cancel()

        values = self.exposure(self.customer)
        self.assertAlmostEqual(values["overdue"], 400.0)
        self.assertEqual(values["overdue_days"], 40)
        self.assertAlmostEqual(values["receivable_not_due"], 1000.0)
        self.assertAlmostEqual(values["unapplied_credits"], -50.0)
        self.assertAlmostEqual(values["draft_invoices"], 200.0)
        self.assertAlmostEqual(values["uninvoiced_orders"], 300.0)
        self.assertAlmostEqual(values["total"], 1850.0)
        self.assertAlmostEqual(values["limit"], 2500.0)
        self.assertAlmostEqual(values["available"], 650.0)
        self.assertAlmostEqual(values["utilization"], 74.0)

        # the partner fields show the same figures, also on a contact of the customer
        self.assertRecordValues(
            self.customer + self.customer_contact,
            [
                {
                    "credit_overdue_amount": 400.0,
                    "credit_overdue_days": 40,
                    "credit_receivable_not_due": 1000.0,
                    "credit_unapplied_credits": -50.0,
                    "credit_draft_invoice_amount": 200.0,
                    "credit_uninvoiced_order_amount": 300.0,
                    "credit_exposure": 1850.0,
                    "credit_available": 650.0,
                    "credit_over_limit": False,
                    "credit_is_overdue": True,
                }
            ]
            * 2,
        )

    def test_invoice_to_a_contact_counts_for_the_company(self):
        self._invoice(self.customer_contact, 120.0)
        self._order(self.customer_contact, 80.0)
        self.assertAlmostEqual(self.exposure(self.customer)["total"], 200.0)

    def test_company_settings_choose_the_buckets(self):
        self._invoice(self.customer, 200.0, post=False)
        self._order(self.customer, 300.0)
        self.company.credit_include_draft_invoices = False
        values = self.exposure(self.customer)
        self.assertEqual((values["draft_invoices"], values["total"]), (0.0, 300.0))
        self.company.credit_include_uninvoiced_orders = False
        self.assertEqual(self.exposure(self.customer)["total"], 0.0)

    def test_order_and_its_draft_invoice_are_not_counted_twice(self):
        order = self._order(self.customer, 300.0, qty=3.0)
        invoice = order._create_invoices()
        invoice.invoice_line_ids.quantity = 2.0  # invoice part of the order
        values = self.exposure(self.customer)
        self.assertAlmostEqual(values["draft_invoices"], 200.0)
        self.assertAlmostEqual(values["uninvoiced_orders"], 100.0)
        self.assertAlmostEqual(values["total"], 300.0)

        # when drafts are left out, the whole order still counts until an invoice is posted
        self.company.credit_include_draft_invoices = False
        values = self.exposure(self.customer)
        self.assertEqual((values["draft_invoices"], values["uninvoiced_orders"]), (0.0, 300.0))

        invoice.action_post()
        values = self.exposure(self.customer)
        self.assertAlmostEqual(values["receivable_not_due"], 200.0)
        self.assertAlmostEqual(values["uninvoiced_orders"], 100.0)
        self.company.credit_include_draft_invoices = True
        self.assertAlmostEqual(self.exposure(self.customer)["total"], 300.0)

    def test_foreign_currency_invoice_and_order(self):
        foreign = self.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        pricelist = self.env["product.pricelist"].create(
            {"name": "EUR prices", "currency_id": foreign.id}
        )
        self._invoice(self.customer, 1000.0, currency=foreign)
        order = self._order(self.customer, 600.0, pricelist=pricelist)
        self.assertEqual(order.currency_id, foreign)
        values = self.exposure(self.customer)
        # 2 EUR for 1 unit of company currency
        self.assertAlmostEqual(values["receivable_not_due"], 500.0)
        self.assertAlmostEqual(values["uninvoiced_orders"], 300.0)
        self.assertAlmostEqual(values["total"], 800.0)

    def test_each_company_has_its_own_limit_and_exposure(self):
        company_2 = self._second_company(limit=5000.0)
        self._invoice(self.customer, 1000.0)
        self._invoice(self.customer, 3000.0, company=company_2)
        self._order(self.customer, 400.0, company=company_2)

        values_1 = self.exposure(self.customer, self.company)
        values_2 = self.exposure(self.customer, company_2)
        self.assertEqual((values_1["total"], values_1["limit"]), (1000.0, 2500.0))
        self.assertEqual((values_2["total"], values_2["limit"]), (3400.0, 5000.0))
        self.assertEqual(self.customer.with_company(company_2).credit_exposure, 3400.0)
        self.assertEqual(self.customer.with_company(self.company).credit_exposure, 1000.0)
        self.assertEqual(self.customer.with_company(company_2).credit_available, 1600.0)

    def test_agrees_with_odoo_credit_and_credit_to_invoice(self):
        self.company.account_use_credit_limit = True
        overdue = self._invoice(self.customer, 800.0, days_ago=20)
        self._pay(overdue, 300.0)
        self._invoice(self.customer, 450.0, due_in=15)
        self._invoice(self.customer, 75.0, move_type="out_refund")
        order = self._order(self.customer, 900.0, qty=3.0)
        invoice = order._create_invoices()
        invoice.invoice_line_ids.quantity = 1.0
        invoice.action_post()
        self._order(self.customer, 250.0)

        self.customer.invalidate_recordset(["credit", "credit_to_invoice"])
        values = self.exposure(self.customer)
        self.assertAlmostEqual(
            values["receivable_not_due"] + values["overdue"] + values["unapplied_credits"],
            self.customer.credit,
        )
        self.assertAlmostEqual(values["uninvoiced_orders"], self.customer.credit_to_invoice)
        self.assertAlmostEqual(self.customer.credit, 500.0 + 450.0 - 75.0 + 300.0)
        self.assertAlmostEqual(self.customer.credit_to_invoice, 600.0 + 250.0)

    def test_query_count_does_not_grow_with_data(self):
        def measure(partners):
            result, service = self.count_queries(
                lambda: self.env["credit.exposure"]._get_exposure(partners, self.company)
            )
            _values, fields = self.count_queries(lambda: partners.mapped("credit_exposure"))
            return result, service, fields

        small = self.customer
        self._invoice(small, 10.0)
        measure(small)  # warm the caches (company defaults, rates) that any first call fills
        _result, service_small, fields_small = measure(small)

        big = self.env["res.partner"].create(
            [{"name": f"Bulk customer {i}", "credit_limit": 100.0} for i in range(30)]
        )
        invoices = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": self.today,
                    "invoice_date_due": self.today,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "x", "quantity": 1, "price_unit": 10.0 + n, "tax_ids": []}
                        )
                    ],
                }
                for partner in big
                for n in range(4)
            ]
        )
        invoices[:60].action_post()
        for partner in big[:10]:
            self._order(partner, 50.0)
        result, service_big, fields_big = measure(big | small)

        self.assertEqual(len(result), 31)
        self.assertAlmostEqual(result[big[0].id]["total"], 10.0 + 11.0 + 12.0 + 13.0 + 50.0)
        self.assertEqual(service_big, service_small, (service_small, fields_small, fields_big))
        self.assertEqual(fields_big, fields_small)
        self.assertLessEqual(service_big, 8)
