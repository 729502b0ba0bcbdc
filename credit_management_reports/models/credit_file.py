from odoo import fields, models


class CreditFile(models.Model):
    _inherit = "credit.file"

    decision_report_ids = fields.Many2many(
        "credit.assessment.report",
        compute="_compute_decision_report_ids",
        string="Assessment Reports",
    )

    def _compute_decision_report_ids(self):
        for file in self:
            file.decision_report_ids = self.env["credit.assessment.report"].search(
                [
                    ("assessment_id.partner_id", "=", file.partner_id.id),
                    ("assessment_id.company_id", "=", file.company_id.id),
                ]
            )
