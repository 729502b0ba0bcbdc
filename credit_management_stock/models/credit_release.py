from odoo import fields, models


class CreditRelease(models.Model):
    _inherit = "credit.release"

    picking_id = fields.Many2one(
        "stock.picking", string="Delivery", readonly=True, index="btree_not_null"
    )
