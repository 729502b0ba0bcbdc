from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CreditCustomerRecord(models.AbstractModel):
    """A credit record of one customer in one company (a temporary limit, an insurance, a
    promise to pay): on the commercial partner itself, since the exposure service and its
    limit formula count per commercial partner and a record on a contact would count nowhere."""

    _name = "credit.customer.record"
    _description = "Credit Record of a Customer"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        domain=[("parent_id", "=", False)],
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    @api.constrains("partner_id")
    def _check_customer_itself(self):
        for record in self:
            if record.partner_id != record.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "Choose the customer itself, %(customer)s, not one of its contacts.",
                        customer=record.partner_id.commercial_partner_id.display_name,
                    )
                )
