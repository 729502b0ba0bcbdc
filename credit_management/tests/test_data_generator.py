import importlib.util
import os

from odoo.tests import tagged

from .common import CreditCommon

GENERATOR = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "data", "generate.py")


@tagged("post_install", "-at_install")
class TestDataGenerator(CreditCommon):
    """data/generate.py makes documents Odoo itself agrees with: the copies made in SQL add
    up, customer by customer and company by company, to Odoo's own receivable balance."""

    def test_generated_data_is_real_accounting(self):
        spec = importlib.util.spec_from_file_location("credit_data_generate", GENERATOR)
        generate = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(generate)
        generate.generate(self.env, "test", verbose=False)
        customers = self.env["res.partner"].search([("name", "=like", "Customer 0%")])
        self.assertEqual(len(customers), generate.SIZES["test"])
        companies = self.env["res.company"].search([("name", "=", "Credit Data EU")])
        companies |= self.env.ref("base.main_company")
        for company in companies:
            partners = customers.with_company(company).with_context(allowed_company_ids=company.ids)
            exposures = self.env["credit.exposure"]._get_exposure(partners, company)
            for partner in partners:
                figures = exposures[partner.id]
                receivable = (
                    figures["receivable_not_due"]
                    + figures["overdue"]
                    + figures["unapplied_credits"]
                )
                self.assertAlmostEqual(receivable, partner.credit, 2, partner.name)
            overdue = sum(1 for figures in exposures.values() if figures["is_overdue"])
            self.assertTrue(0 < overdue < len(customers), "some customers are overdue, not all")
            self.assertTrue(any(figures["unapplied_credits"] for figures in exposures.values()))
            self.assertTrue(any(figures["uninvoiced_orders"] for figures in exposures.values()))
        # the copies of paid invoices are reconciled with the copies of their payments
        paid = self.env["account.move"].search(
            [("partner_id", "in", customers.ids), ("payment_state", "in", ("paid", "partial"))]
        )
        self.assertTrue(paid)
        self.assertTrue(
            self.env["account.partial.reconcile"].search_count(
                [("debit_move_id.move_id", "in", paid.ids)]
            )
            >= len(paid)
        )
        self.assertTrue(self.env["credit.assessment"].search([("partner_id", "in", customers.ids)]))
