from odoo import fields, models


class CreditRelease(models.Model):
    _inherit = "credit.release"

    picking_id = fields.Many2one(
        "stock.picking", string="Delivery", readonly=True, index="btree_not_null"
    )

    _sql_constraints = (
        (
            "one_delivery_document",
            "CHECK (picking_id IS NULL OR num_nonnulls(order_id, move_id) = 0)",
            "A credit release answers for one document.",
        ),
    )
