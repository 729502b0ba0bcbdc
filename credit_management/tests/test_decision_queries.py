from odoo.fields import Command
from odoo.tests import tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestDecisionQueries(CreditCommon):
    """The decision runs the same number of queries whatever the customer's history."""

    def _measure(self, partner):
        return self.count_queries(
            lambda: self.env["credit.decision"]._decide(partner, 100.0, self.company)
        )

    def _history(self, partner, invoices, orders):
        moves = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": self.today,
                    "invoice_date_due": self.today,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "x", "quantity": 1, "price_unit": 1.0, "tax_ids": []}
                        )
                    ],
                }
                for _i in range(invoices)
            ]
        )
        moves.action_post()
        sale_orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "price_unit": 1.0, "tax_id": []}
                        )
                    ],
                }
                for _i in range(orders)
            ]
        )
        self.company.credit_control_enabled = False
        sale_orders.action_confirm()
        self.company.credit_control_enabled = True

    def test_same_query_count_for_10_and_2000_documents(self):
        small = self.env["res.partner"].create({"name": "Small", "credit_limit": 100000.0})
        big = self.env["res.partner"].create({"name": "Big", "credit_limit": 100000.0})
        self._history(small, 5, 5)
        self._history(big, 1600, 500)
        self._measure(small)  # warm the caches any first call fills (rates, company)

        decision_small, count_small = self._measure(small)
        decision_big, count_big = self._measure(big)
        self.assertEqual(decision_small["exposure"]["total"], 10.0)
        self.assertEqual(decision_big["exposure"]["total"], 2100.0)
        self.assertEqual(count_big, count_small)
        self.assertLessEqual(count_big, 12)
