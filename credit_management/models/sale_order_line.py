from odoo import api, fields, models

# What changes the amount of a line (the product and its unit set the price again).
AMOUNT_FIELDS = {"product_uom_qty", "price_unit", "discount", "tax_id", "product_id", "product_uom"}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # Stored so that credit exposure can count, in one SQL aggregate, the ordered quantity
    # that no posted invoice holds yet when draft invoices are left out of the exposure.
    qty_invoiced_posted = fields.Float(store=True)

    # Lines added to, raised on or removed from a confirmed order: the increase of the order
    # goes through the credit check (sale.order._credit_check_increase).
    @api.model_create_multi
    def create(self, vals_list):
        orders = self.env["sale.order"].browse(
            {vals.get("order_id") for vals in vals_list} - {None}
        )
        before = orders._credit_amounts_before_change()
        lines = super().create(vals_list)
        if before:
            orders._credit_check_increase(before)
        return lines

    def write(self, vals):
        before = {}
        if AMOUNT_FIELDS & set(vals):
            before = self.order_id._credit_amounts_before_change()
        res = super().write(vals)
        if before:
            self.order_id._credit_check_increase(before)
        return res
