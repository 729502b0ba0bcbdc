from odoo import fields, models

DECISIONS = [("approved", "Approved"), ("rejected", "Rejected")]


class CreditAssessmentReport(models.Model):
    """The credit assessment report of one decision (P3.1.3): the PDF made from the
    assessment when finance approved or rejected it, filed with the assessment and the credit
    file and kept as it was made. Written by the approval and the rejection only; nobody
    changes or deletes it. Finance and audit read it; every download is logged."""

    _name = "credit.assessment.report"
    _description = "Credit Assessment Report"
    _inherit = ("credit.guarded", "credit.access.logged")
    _credit_append_only = True
    _order = "date desc, id desc"

    name = fields.Char(string="File Name", required=True, readonly=True)
    assessment_id = fields.Many2one(
        "credit.assessment", required=True, readonly=True, index=True, ondelete="restrict"
    )
    partner_id = fields.Many2one(related="assessment_id.partner_id", string="Customer")
    company_id = fields.Many2one(related="assessment_id.company_id", store=True, index=True)
    decision = fields.Selection(DECISIONS, required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Decided By", required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True)
    pdf = fields.Binary(string="Report", attachment=True, required=True, readonly=True)
