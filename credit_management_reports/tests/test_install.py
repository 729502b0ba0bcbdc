import xlsxwriter

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_reports_addon_builds_on_credit_management(self):
        module = self.env["ir.module.module"].search([("name", "=", "credit_management_reports")])
        self.assertEqual(module.state, "installed")
        self.assertIn("credit_management", module.dependencies_id.mapped("name"))
        # the XLSX writer the reports are built with is available to the server
        self.assertTrue(hasattr(xlsxwriter, "Workbook"))
