from odoo import fields, models


class CreditFile(models.Model):
    _inherit = "credit.file"

    decision_report_ids = fields.Many2many(
        "credit.assessment.report",
        compute="_compute_decision_report_ids",
        string="Assessment Reports",
    )

    def _compute_decision_report_ids(self):
        # one search for all the files, shared out by customer and company
        reports = self.env["credit.assessment.report"].search(
            [("assessment_id.partner_id", "in", self.partner_id.ids)]
        )
        for file in self:
            file.decision_report_ids = reports.filtered(
                lambda r, f=file: r.partner_id == f.partner_id and r.company_id == f.company_id
            )
