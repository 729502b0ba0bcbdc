import base64
import io

import openpyxl

from odoo.addons.credit_management.tests.common import CreditCommon


class ReportCommon(CreditCommon):
    """Runs a report of the credit reports wizard as a user and reads the XLSX back."""

    def _report(self, user, action, **values):
        """``(sheet, rows)``: the report ``action`` (a wizard button) as ``user`` with the
        wizard ``values``; ``rows`` are dicts by column label, from the header on line 5."""
        wizard = self.env["credit.report.wizard"].with_user(user).create(values)
        url = getattr(wizard, action)()["url"]
        attachment = self.env["ir.attachment"].browse(int(url.split("/")[3].split("?")[0]))
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(attachment.datas))).active
        header = [cell.value for cell in sheet[5]]
        rows = [
            dict(zip(header, row, strict=True))
            for row in sheet.iter_rows(min_row=6, values_only=True)
        ]
        return sheet, rows
