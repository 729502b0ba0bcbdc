import io

import openpyxl

from odoo.tests import HttpCase, new_test_user, tagged

from ..controllers.main import CreditReportController


@tagged("post_install", "-at_install")
class TestDownloadRoute(HttpCase):
    """The XLSX reports are downloaded from a read-only route: the file of the user's own
    wizard, nobody else's."""

    def setUp(self):
        super().setUp()
        self.analyst = new_test_user(
            self.env, login="route_analyst", groups="credit_management.group_credit_analyst"
        )
        self.auditor = new_test_user(
            self.env, login="route_auditor", groups="credit_management.group_credit_auditor"
        )
        self.env["res.partner"].create(
            {"name": "Route Customer", "is_company": True, "credit_limit": 1000.0}
        )

    def test_download_on_a_read_only_cursor(self):
        routing = CreditReportController.credit_report_xlsx.original_routing
        self.assertTrue(routing["readonly"])
        wizard = self.env["credit.report.wizard"].with_user(self.analyst).create({})
        url = wizard.action_export_aging()["url"]
        self.authenticate("route_analyst", "route_analyst")
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response.headers["Content-Type"])
        self.assertIn("Receivable%20Aging", response.headers["Content-Disposition"])
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        self.assertEqual(sheet["A1"].value, "Receivable Aging")
        self.assertIn("Route Customer", [row[0] for row in sheet.iter_rows(values_only=True)])
        # someone else's wizard is not theirs to download
        self.authenticate("route_auditor", "route_auditor")
        self.assertEqual(self.url_open(url).status_code, 404)
        self.assertEqual(self.url_open(url.replace("/aging", "/nonsense")).status_code, 404)
