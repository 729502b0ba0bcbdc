import base64
import logging

from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.credit_management.models.credit_common import ANALYST, AUDITOR
from odoo.addons.credit_management.models.credit_guarded import credit_workflow

_logger = logging.getLogger(__name__)


class CreditAssessment(models.Model):
    _inherit = "credit.assessment"

    decision_report_ids = fields.One2many(
        "credit.assessment.report",
        "assessment_id",
        string="Assessment Reports",
        groups=f"{ANALYST},{AUDITOR}",
        help="The report of each decision, as it was made when finance decided.",
    )

    def action_approve(self):
        result = super().action_approve()
        self._credit_file_decision_report("approved")
        return result

    def action_reject(self):
        result = super().action_reject()
        self._credit_file_decision_report("rejected")
        return result

    def _credit_file_decision_report(self, decision):
        """P3.1.3: the assessment report of the decision just made, rendered as a PDF from the
        assessment, kept with it (credit.assessment.report, append-only) and listed in the
        customer's credit file, with a note in the file's chatter."""
        report_ref = "credit_management_reports.credit_assessment_report_action"
        for assessment in self:
            # Odoo's test mode renders HTML instead of calling wkhtmltopdf, unless a test asks
            # for the PDF (force_report_rendering): wkhtmltopdf would wait on the test server
            # filing is not an opening of the assessment: no access-log row for it
            Report = self.env["ir.actions.report"].sudo().with_context(credit_report_filing=True)
            try:
                pdf, _kind = Report._render_qweb_pdf(report_ref, assessment.ids)
            except (UserError, OSError) as error:
                # wkhtmltopdf missing or failing must not undo finance's decision: say so
                # where finance sees it; the report can be printed once the server is fixed
                _logger.warning(
                    "Credit assessment report of %s not filed: %s", assessment.name, error
                )
                assessment.sudo().message_post(
                    body=self.env._(
                        "The assessment report could not be made (%(error)s): print it from "
                        "the Print menu once the PDF service works.",
                        error=str(error),
                    )
                )
                continue
            name = self.env._(
                "Credit Assessment %(name)s %(decision)s.pdf",
                name=assessment.name.replace("/", "-"),
                decision=dict(
                    self.env["credit.assessment.report"]
                    ._fields["decision"]
                    ._description_selection(self.env)
                )[decision],
            )
            with credit_workflow(self.env):
                self.env["credit.assessment.report"].sudo().create(
                    {
                        "name": name,
                        "assessment_id": assessment.id,
                        "decision": decision,
                        "user_id": self.env.uid,
                        "date": assessment.decision_date or fields.Datetime.now(),
                        "pdf": base64.b64encode(pdf),
                    }
                )
            file = self.env["credit.file"]._for_partner(
                assessment.partner_id, assessment.company_id
            )
            # the file lists the report (Assessment Reports) from the append-only record: a
            # chatter attachment could be deleted by whoever may write the file
            file.sudo().message_post(
                body=self.env._(
                    "Assessment report of %(assessment)s filed: %(name)s",
                    assessment=assessment.name,
                    name=name,
                ),
            )
