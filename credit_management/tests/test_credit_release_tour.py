from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCreditReleaseTour(HttpCase):
    """In the browser, as a finance analyst: the held-orders menu, the hold banner on the
    order, the release wizard, and the order confirmed."""

    def test_analyst_releases_a_held_order_in_the_browser(self):
        company = self.env.company
        company.write({"credit_control_enabled": True, "credit_release_manager_amount": 1000.0})
        salesperson = new_test_user(
            self.env, login="tour_sales", groups="sales_team.group_sale_salesman"
        )
        new_test_user(
            self.env,
            login="tour_analyst",
            groups="credit_management.group_credit_analyst,account.group_account_invoice",
        )
        customer = self.env["res.partner"].create(
            {"name": "Tour Customer", "is_company": True, "credit_limit": 500.0}
        )
        product = self.env["product.product"].create(
            {"name": "Tour Widget", "type": "service", "list_price": 800.0, "taxes_id": []}
        )
        order = (
            self.env["sale.order"]
            .with_user(salesperson)
            .create(
                {
                    "partner_id": customer.id,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "price_unit": 800.0, "tax_id": []}
                        )
                    ],
                }
            )
        )
        order.with_user(salesperson).action_confirm()
        self.assertEqual(order.credit_hold_state, "held")

        self.start_tour(
            "/odoo/action-credit_management.sale_order_credit_hold_action",
            "credit_analyst_release_tour",
            login="tour_analyst",
        )

        self.assertEqual(order.state, "sale")
        self.assertEqual(order.sudo().credit_release_ids.reason, "Bank guarantee received")
