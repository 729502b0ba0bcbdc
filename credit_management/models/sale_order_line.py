from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # Stored so that credit exposure can count, in one SQL aggregate, the ordered quantity
    # that no posted invoice holds yet when draft invoices are left out of the exposure.
    qty_invoiced_posted = fields.Float(store=True)
