import io

import openpyxl

from odoo.addons.credit_management.tests.common import CreditCommon


class ReportCommon(CreditCommon):
    """Runs a report of the credit reports wizard as a user and reads the XLSX back."""

    def _report(self, user, action, **values):
        """``(sheet, rows)``: the report ``action`` (a wizard button) as ``user`` with the
        wizard ``values``; ``rows`` are dicts by column label, from the header on line 5.
        The button checks and opens the download route; the file is what the route sends."""
        wizard = self.env["credit.report.wizard"].with_user(user).create(values)
        url = getattr(wizard, action)()["url"]
        _prefix, wizard_id, report = url.rsplit("/", 2)
        self.assertEqual(int(wizard_id), wizard.id)
        content, _name = wizard._report_file(report)
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        header = [cell.value for cell in sheet[5]]
        rows = [
            dict(zip(header, row, strict=True))
            for row in sheet.iter_rows(min_row=6, values_only=True)
        ]
        return sheet, rows

    @staticmethod
    def _customer_rows(rows):
        """The rows of customers, without subtotals and total."""
        return [
            row
            for row in rows
            if row["Customer"] and not row["Customer"].startswith(("Subtotal", "Total"))
        ]
