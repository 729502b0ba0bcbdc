import base64
import io

import openpyxl
import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools import file_path

from odoo.addons.credit_management.tests.common_i18n import TranslationChecks, load_languages

from .test_finance_reports import FinanceReportCommon
from .test_pdf_reports import pdf_text


@tagged("post_install", "-at_install")
class TestTranslationFiles(TranslationChecks, TransactionCase):
    """zh_TW and zh_CN of credit_management_reports: complete, placeholders kept, loaded."""

    i18n_module = "credit_management_reports"


@tagged("post_install", "-at_install")
class TestReportsInTheUsersLanguage(FinanceReportCommon):
    """An analyst who works in Traditional Chinese gets the XLSX registers and the PDF
    assessment report in Traditional Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_languages(cls.env, ["credit_management", "credit_management_reports"])
        cls.analyst.lang = "zh_TW"
        # the PDF itself, its text in the system fonts (see test_pdf_reports)
        cls.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")
        cls.env = cls.env(context=dict(cls.env.context, force_report_rendering=True))
        cls.catalog = {
            entry.msgid: entry.msgstr
            for entry in polib.pofile(file_path("credit_management_reports/i18n/zh_TW.po"))
        }

    def test_xlsx_register_headers_in_the_users_language(self):
        self._approved_assessment(self.customer, self.analyst)
        wizard = (
            self.env["credit.report.wizard"]
            .with_user(self.analyst)
            .with_context(lang=self.analyst.lang)
            .create(self.period)
        )
        content, _name = wizard._report_file("assessments")
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        header = [cell.value for cell in sheet[5]]
        for english in ("Assessment", "Submitted By", "Total Score", "Approved Limit"):
            self.assertNotIn(english, header)
        self.assertIn(self.catalog["Submitted By"], header)
        self.assertIn(self.catalog["Total Score"], header)

    def test_assessment_report_filed_in_the_approvers_language(self):
        assessment = self._approved_assessment(self.customer, self.analyst)
        report = assessment.with_user(self.analyst).decision_report_ids
        text = pdf_text(base64.b64decode(report.pdf))
        self.assertNotIn("Credit Assessment Report", text)
        self.assertIn(self.catalog["Credit Assessment Report"], text)
        self.assertIn(assessment.name, text)
