from odoo import http
from odoo.exceptions import AccessError
from odoo.http import content_disposition, request

from ..wizards.credit_report_wizard import XLSX_REPORTS

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CreditReportController(http.Controller):
    @http.route(
        "/credit_management_reports/xlsx/<int:wizard_id>/<string:report>",
        type="http",
        auth="user",
        readonly=True,
    )
    def credit_report_xlsx(self, wizard_id, report):
        """Build and send an XLSX credit report of the wizard ``wizard_id`` (the user's own:
        its creator only). The report only reads, so it runs on a
        read-only cursor, which a database replica can serve (``db_replica_host``)."""
        wizard = request.env["credit.report.wizard"].browse(wizard_id).exists()
        # a wizard holds its user's choices: only that user downloads its reports
        if not wizard or wizard.create_uid != request.env.user or report not in XLSX_REPORTS:
            raise request.not_found()
        try:
            wizard.check_access("read")
        except AccessError:
            raise request.not_found() from None
        content, name = wizard._report_file(report)
        return request.make_response(
            content,
            headers=[
                ("Content-Type", XLSX_MIMETYPE),
                ("Content-Length", len(content)),
                ("Content-Disposition", content_disposition(name)),
            ],
        )
