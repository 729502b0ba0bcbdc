from odoo import fields, models


class CreditDocumentType(models.Model):
    """Kinds of documents collected for an assessment (P3.1.3a) and when they are required."""

    _name = "credit.document.type"
    _description = "Credit Document Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    required_new = fields.Boolean(string="Required for New Customers")
    required_periodic = fields.Boolean(string="Required for Periodic Reviews")
    required_adhoc = fields.Boolean(string="Required for Ad Hoc Assessments")
    required_monitoring = fields.Boolean(string="Required for Monitoring Reviews")

    def _required_for(self, assessment_type):
        return self.filtered(f"required_{assessment_type}")
