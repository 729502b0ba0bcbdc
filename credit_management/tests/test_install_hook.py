from odoo.fields import Command
from odoo.tests import tagged
from odoo.tools import SQL

from ..hooks import fill_qty_invoiced_posted
from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestInstallHook(CreditCommon):
    """Installing on a database full of orders stores ``qty_invoiced_posted`` in one SQL
    statement (pre_init_hook): it must be what Odoo's own compute gives, line by line."""

    def test_sql_fill_matches_odoos_compute(self):
        dozen = self.env.ref("uom.product_uom_dozen")
        order = self._order(self.customer, 1200.0, qty=12.0, confirm=False)
        order.order_line = [
            Command.create(
                {
                    "product_id": self.product.id,
                    "product_uom_qty": 3.0,
                    "product_uom": dozen.id,
                    "price_unit": 100.0,
                    "tax_id": [Command.clear()],
                }
            ),
            Command.create(
                {
                    "product_id": self.product.id,
                    "product_uom_qty": 5.0,
                    "price_unit": 10.0,
                    "tax_id": [Command.clear()],
                }
            ),
        ]
        order.action_confirm()
        unit_line, dozen_line, uninvoiced_line = order.order_line
        invoice = order._create_invoices()
        # invoice part: 7 units of the first line, 1 dozen of the second as 12 units
        invoice.invoice_line_ids.filtered(lambda l: l.sale_line_ids == unit_line).quantity = 7.0
        dozen_inv = invoice.invoice_line_ids.filtered(lambda l: l.sale_line_ids == dozen_line)
        dozen_inv.write({"product_uom_id": self.env.ref("uom.product_uom_unit").id, "quantity": 12})
        invoice.invoice_line_ids.filtered(lambda l: l.sale_line_ids == uninvoiced_line).unlink()
        invoice.action_post()
        refund = invoice._reverse_moves()
        refund.invoice_line_ids.filtered(lambda l: l.sale_line_ids == unit_line).quantity = 2.0
        refund.invoice_line_ids.filtered(lambda l: l.sale_line_ids != unit_line).unlink()
        refund.action_post()
        draft = order._create_invoices()  # a draft counts for nothing
        self.assertTrue(draft)
        lines = order.order_line
        expected = {line.id: line.qty_invoiced_posted for line in lines}
        self.assertEqual(list(expected.values()), [5.0, 1.0, 0.0])  # the case is not empty

        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order_line SET qty_invoiced_posted = 0 WHERE id = ANY(%s)", [lines.ids]
        )
        fill_qty_invoiced_posted(self.env, lines.ids)
        lines.invalidate_recordset(["qty_invoiced_posted"])
        self.assertEqual({line.id: line.qty_invoiced_posted for line in lines}, expected)

    def test_exposure_indexes_exist(self):
        """The partial indexes of the one-customer exposure (order check) are there after
        install and update, with their predicates."""
        rows = dict(
            self.env.execute_query(
                SQL(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN %s",
                    (
                        "credit_management_aml_open_by_partner_idx",
                        "credit_management_move_draft_by_partner_idx",
                    ),
                )
            )
        )
        self.assertIn(
            "INCLUDE (company_id, account_id, amount_residual, date_maturity)",
            rows["credit_management_aml_open_by_partner_idx"],
        )
        self.assertIn("reconciled IS NOT TRUE", rows["credit_management_aml_open_by_partner_idx"])
        self.assertIn("'draft'", rows["credit_management_move_draft_by_partner_idx"])
