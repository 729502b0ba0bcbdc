from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_block_deliveries = fields.Boolean(
        string="Block Deliveries",
        help="Validating a delivery to a customer who is blocked, on hold, or over the limit "
        "beyond the tolerance is refused until finance releases that delivery.",
    )
    credit_delivery_tolerance = fields.Monetary(
        string="Delivery Tolerance over the Limit",
        currency_field="currency_id",
        help="How far above its limit a customer's exposure may be and its deliveries still leave.",
    )

    @api.constrains("credit_delivery_tolerance")
    def _check_credit_delivery_tolerance(self):
        for company in self:
            if company.credit_delivery_tolerance < 0:
                raise ValidationError(
                    self.env._(
                        "The delivery tolerance cannot be negative (%(company)s).",
                        company=company.name,
                    )
                )
