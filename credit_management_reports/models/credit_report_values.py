from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.credit_management.models.credit_common import ANALYST, AUDITOR

# how many of each kind of record the credit file summary shows, newest first
SUMMARY_HISTORY = 20
SUMMARY_EVENTS = 10
SUMMARY_ASSESSMENTS = 5


class CreditAssessmentReportValues(models.AbstractModel):
    """The values of the credit assessment report; printing it is an opening of the
    assessment, written to the credit access log."""

    _name = "report.credit_management_reports.report_credit_assessment"
    _description = "Credit Assessment Report Values"

    @api.model
    def _get_report_values(self, docids, data=None):
        if not (self.env.user.has_group(ANALYST) or self.env.user.has_group(AUDITOR)):
            raise AccessError(
                self.env._("The credit assessment report is for credit finance and internal audit.")
            )
        docs = self.env["credit.assessment"].browse(docids)
        docs.check_access("read")
        if not self.env.context.get("credit_report_filing"):
            self.env["credit.access.log"]._log(docs, "download")
        return {
            "doc_ids": docids,
            "doc_model": "credit.assessment",
            "docs": docs,
            "decision_labels": dict(docs._fields["state"]._description_selection(self.env)),
            "type_labels": dict(docs._fields["type"]._description_selection(self.env)),
        }


class CreditFileSummaryValues(models.AbstractModel):
    """The values of the credit file summary: profile, exposure (the exposure service),
    history, events and last assessments of each file; printing it is written to the credit
    access log."""

    _name = "report.credit_management_reports.report_credit_file_summary"
    _description = "Credit File Summary Values"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["credit.file"].browse(docids)
        docs.check_access("read")
        self.env["credit.access.log"]._log(docs, "download")
        # the exposure service once per company for all its files, not once per file
        exposure = {}
        for company in docs.company_id:
            partners = docs.filtered(lambda f, c=company: f.company_id == c).partner_id
            figures = self.env["credit.exposure"]._get_exposure(
                partners, company, commercial_ids=partners.ids
            )
            exposure.update({(company.id, pid): values for pid, values in figures.items()})
        summaries = {}
        for file in docs:
            partner = file.partner_id.with_company(file.company_id).sudo()
            figures = exposure[file.company_id.id, partner.id]
            domain = [("partner_id", "=", partner.id), ("company_id", "=", file.company_id.id)]
            summaries[file.id] = {
                "partner": partner,
                "exposure": figures,
                "history": self.env["credit.history"].search(
                    domain, order="date desc, id desc", limit=SUMMARY_HISTORY
                ),
                "events": self.env["credit.event"].search(
                    domain, order="date desc, id desc", limit=SUMMARY_EVENTS
                ),
                "assessments": self.env["credit.assessment"].search(
                    domain, order="create_date desc, id desc", limit=SUMMARY_ASSESSMENTS
                ),
            }
        event_fields = self.env["credit.event"]._fields
        return {
            "doc_ids": docids,
            "doc_model": "credit.file",
            "docs": docs,
            "summaries": summaries,
            "today": fields.Date.context_today(self),
            "status_labels": dict(
                self.env["res.partner"]._fields["credit_status"]._description_selection(self.env)
            ),
            "event_type_labels": dict(event_fields["event_type"]._description_selection(self.env)),
            "severity_labels": dict(event_fields["severity"]._description_selection(self.env)),
            "event_state_labels": dict(event_fields["state"]._description_selection(self.env)),
            "assessment_state_labels": dict(
                self.env["credit.assessment"]._fields["state"]._description_selection(self.env)
            ),
        }
