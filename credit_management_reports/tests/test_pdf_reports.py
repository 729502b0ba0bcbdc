import base64
import shutil
import subprocess
import unicodedata

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_finance_reports import FinanceReportCommon

CHINESE_NAME = "臺灣精密工業股份有限公司"


def pdf_text(pdf):
    """The text of a PDF, read back by poppler's pdftotext (installed by ``bin/cm setup``),
    in NFKC: the CJK font maps some ideographs to their Kangxi radical code points (工 read
    back as the radical ⼯), the same character to a reader."""
    binary = shutil.which("pdftotext")
    assert binary, "pdftotext (Debian's poppler-utils) is needed to read PDF reports back"
    text = subprocess.run(
        [binary, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return unicodedata.normalize("NFKC", text)


@tagged("post_install", "-at_install")
class TestPdfReports(FinanceReportCommon):
    """The credit assessment report made and filed when finance decides (P3.1.3), the credit
    file summary, their Chinese text, who may read them, and the access log of each print."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # wkhtmltopdf fetches the report's stylesheets from report.url: point it where nothing
        # answers, so that what the PDF holds does not depend on a server running on this
        # machine (Debian's unpatched wkhtmltopdf draws text in web fonts as shapes, which no
        # PDF reader gives back as text; without them it writes text in the system fonts)
        cls.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")
        # the PDF itself, not the HTML Odoo's test mode renders instead
        cls.env = cls.env(context=dict(cls.env.context, force_report_rendering=True))
        cls.taiwan = cls.env["res.partner"].create(
            {"name": CHINESE_NAME, "is_company": True, "user_id": cls.salesperson.id}
        )

    def _print(self, user, report_ref, records):
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(user)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report_ref, records.ids)
        )
        self.assertEqual(kind, "pdf")
        return pdf

    def _logged(self, user, records):
        return (
            self.env["credit.access.log"]
            .sudo()
            .search_count(
                [
                    ("user_id", "=", user.id),
                    ("res_model", "=", records._name),
                    ("res_id", "in", records.ids),
                    ("channel", "=", "download"),
                ]
            )
        )

    def test_approval_files_the_report_in_chinese(self):
        assessment = self._approved_assessment(self.taiwan, self.analyst)
        report = assessment.with_user(self.analyst).decision_report_ids
        self.assertEqual(len(report), 1)
        self.assertEqual((report.decision, report.user_id), ("approved", self.analyst))
        pdf = base64.b64decode(report.pdf)
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = pdf_text(pdf)
        self.assertIn(CHINESE_NAME, text)
        self.assertIn(assessment.name, text)
        self.assertIn("Credit Assessment Report", text)
        for line in assessment.line_ids:
            self.assertIn(line.criterion_id.name, text)
        self.assertIn(assessment.approved_rating_id.name, text)
        # filed in the credit file too, where finance and audit read it, with a note
        file = self.env["credit.file"]._for_partner(self.taiwan, self.company)
        self.assertEqual(file.with_user(self.auditor).decision_report_ids, report)
        self.assertIn(report.name, file.message_ids[0].body)
        # its file is the report's own: nobody deletes or replaces it
        stored = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "credit.assessment.report"),
                ("res_id", "=", report.id),
                ("res_field", "=", "pdf"),
            ]
        )
        self.assertEqual(stored.raw, pdf)
        for user in (self.analyst, self.manager):
            with self.assertRaises(AccessError):
                stored.with_user(user).unlink()

    def test_the_filed_report_is_never_changed(self):
        assessment = self._approved_assessment(self.customer, self.analyst)
        report = assessment.sudo().decision_report_ids.sudo(False)
        for user in (self.analyst, self.manager, self.auditor):
            with self.assertRaises(AccessError):
                report.with_user(user).write({"pdf": base64.b64encode(b"%PDF forged")})
            with self.assertRaises(AccessError):
                report.with_user(user).unlink()
        with self.assertRaises(AccessError):
            report.sudo().write({"decision": "rejected"})
        # a salesperson reads the assessment but not the scores in its report
        with self.assertRaises(AccessError):
            report.with_user(self.salesperson).read(["pdf"])
        with self.assertRaises(AccessError):
            self._print(
                self.salesperson,
                "credit_management_reports.credit_assessment_report_action",
                assessment,
            )

    def test_rejection_files_the_report(self):
        assessment = self._approved_assessment(self.customer, self.analyst)
        review = (
            self.env["credit.assessment"]
            .with_user(self.salesperson)
            .create(
                {
                    "partner_id": self.customer.id,
                    "type": "adhoc",
                    "requested_limit": 90000.0,
                    "document_ids": [
                        (0, 0, {"type_id": d.type_id.id, "file": d.file, "filename": d.filename})
                        for d in assessment.sudo().document_ids
                    ],
                }
            )
        )
        self._submit(review)
        review.with_user(self.analyst).finance_comment = "No audited statements"
        review.with_user(self.analyst).action_reject()
        report = review.sudo().decision_report_ids
        self.assertEqual((report.decision, report.user_id), ("rejected", self.analyst))
        self.assertIn("No audited statements", pdf_text(base64.b64decode(report.pdf)))

    def test_printing_is_logged(self):
        assessment = self._approved_assessment(self.taiwan, self.analyst)
        # filing the report on approval is not an opening by the approver
        self.assertEqual(self._logged(self.analyst, assessment), 0)
        before = self._logged(self.auditor, assessment)
        pdf = self._print(
            self.auditor, "credit_management_reports.credit_assessment_report_action", assessment
        )
        self.assertIn(CHINESE_NAME, pdf_text(pdf))
        self.assertEqual(self._logged(self.auditor, assessment), before + 1)

    def test_credit_file_summary(self):
        self._approved_assessment(self.taiwan, self.analyst)
        self._order(self.taiwan, 1200.0)
        self.env["credit.event"].create(
            {"name": "支票退票 returned cheque", "partner_id": self.taiwan.id}
        )
        file = self.env["credit.file"]._for_partner(self.taiwan, self.company)
        pdf = self._print(
            self.auditor, "credit_management_reports.credit_file_summary_report_action", file
        )
        text = pdf_text(pdf)
        self.assertIn(CHINESE_NAME, text)
        self.assertIn("支票退票", text)
        exposure = self.env["credit.exposure"]._get_exposure(self.taiwan, self.company)
        self.assertAlmostEqual(exposure[self.taiwan.id]["uninvoiced_orders"], 1200.0)
        self.assertIn("1,200.00", text)
        self.assertEqual(self._logged(self.auditor, file), 1)
        with self.assertRaises(AccessError):
            self._print(
                self.salesperson,
                "credit_management_reports.credit_file_summary_report_action",
                file,
            )
