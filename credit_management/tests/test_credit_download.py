import base64

from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

PDF = base64.b64encode(b"%PDF-1.4 statements of the customer")


@tagged("post_install", "-at_install")
class TestCreditDownload(HttpCase):
    """Finance downloads an assessment document in the browser: under its own name, and the
    download is written to the access log as a download."""

    def test_finance_downloads_a_document_under_its_name(self):
        new_test_user(self.env, login="dl_analyst", groups="credit_management.group_credit_analyst")
        analyst = self.env["res.users"].search([("login", "=", "dl_analyst")])
        customer = self.env["res.partner"].create({"name": "Download Customer", "is_company": True})
        assessment = self.env["credit.assessment"].create(
            {
                "partner_id": customer.id,
                "type": "adhoc",
                "requested_limit": 1000.0,
                "document_ids": [
                    Command.create(
                        {
                            "type_id": self.env.ref(
                                "credit_management.document_type_financial_statements"
                            ).id,
                            "file": PDF,
                        }
                    )
                ],
            }
        )
        document = assessment.document_ids
        self.authenticate("dl_analyst", "dl_analyst")
        response = self.url_open(
            f"/web/content/credit.assessment.document/{document.id}/file"
            "?download=true&filename_field=filename"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, base64.b64decode(PDF))
        self.assertIn("Financial Statements.pdf", response.headers["Content-Disposition"])
        log = (
            self.env["credit.access.log"]
            .sudo()
            .search([("channel", "=", "download"), ("res_id", "=", document.id)])
        )
        self.assertEqual(log.user_id, analyst)
        self.assertEqual(log.res_model, "credit.assessment.document")
