from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CreditInsurance(models.Model):
    """Credit insurance of a customer: insurer, policy, insured amount and validity. The
    exposure service shows the insured and uninsured part; when the company insures its
    credit, the limit in force is capped at the insured amount plus the company's own risk
    (Credit Settings), and the decision says so."""

    _name = "credit.insurance"
    _description = "Credit Insurance"
    _inherit = ("mail.thread", "credit.customer.record")
    _order = "date_start desc, id desc"

    name = fields.Char(string="Policy Number", required=True, tracking=True)
    insurer_id = fields.Many2one("res.partner", required=True, tracking=True)
    insured_amount = fields.Monetary(required=True, tracking=True)
    date_start = fields.Date(
        string="Valid From", required=True, default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date(string="Valid Until", tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    note = fields.Text()

    @api.constrains("insured_amount", "date_start", "date_end")
    def _check_terms(self):
        for insurance in self:
            if insurance.insured_amount < 0:
                raise ValidationError(self.env._("The insured amount cannot be negative."))
            if insurance.date_end and insurance.date_end < insurance.date_start:
                raise ValidationError(self.env._("The insurance ends after it starts."))
