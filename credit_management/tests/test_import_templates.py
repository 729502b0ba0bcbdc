import os
from datetime import date

from odoo.tests import tagged

from .common import CreditCommon

TEMPLATE = os.path.join(
    os.path.dirname(__file__), os.pardir, os.pardir, "data", "import", "customers_credit.csv"
)
OPTIONS = {
    "has_headers": True,
    "quoting": '"',
    "separator": ",",
    "encoding": "utf-8",
    "date_format": "%Y-%m-%d",
    "float_thousand_separator": ",",
    "float_decimal_separator": ".",
}


@tagged("post_install", "-at_install")
class TestImportTemplates(CreditCommon):
    """data/import/customers_credit.csv goes through Odoo's own import as finance does it."""

    def _import(self, user):
        with open(TEMPLATE, "rb") as handle:
            content = handle.read()
        wizard = (
            self.env["base_import.import"]
            .with_context(credit_change_reason=False)  # the import gives its own reason
            .with_user(user)
            .create(
                {
                    "res_model": "res.partner",
                    "file": content,
                    "file_name": "customers_credit.csv",
                    "file_type": "text/csv",
                }
            )
        )
        preview = wizard.parse_preview(dict(OPTIONS))
        self.assertFalse(preview.get("error"), preview.get("error"))
        # the headers are the fields' own names: the import screen maps them by itself
        columns = preview["headers"]
        return wizard.execute_import(columns, columns, dict(OPTIONS))

    def test_finance_imports_customers_with_their_credit(self):
        result = self._import(self.analyst)
        self.assertFalse(result["messages"], result["messages"])
        partners = self.env["res.partner"].browse(result["ids"])
        self.assertEqual(len(partners), 4)
        harbour = partners.filtered(lambda p: p.name == "Harbour Tools Ltd")
        self.assertRecordValues(
            harbour,
            [
                {
                    "credit_limit": 25000.0,
                    "credit_next_review_date": date(2027, 3, 31),
                }
            ],
        )
        self.assertEqual(harbour.credit_rating_id.name, "A")
        self.assertEqual(harbour.property_payment_term_id.name, "30 Days")
        history = self.env["credit.history"].search(
            [("partner_id", "=", harbour.id), ("kind", "=", "limit")]
        )
        self.assertRecordValues(
            history,
            [
                {
                    "new_amount": 25000.0,
                    "reason": f"Imported by {self.analyst.name}",
                    "user_id": self.analyst.id,
                }
            ],
        )

    def test_a_salesperson_cannot_import_credit(self):
        result = self._import(self.salesperson)
        self.assertFalse(result["ids"])
        self.assertTrue(any(m["type"] == "error" for m in result["messages"]))
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Harbour Tools Ltd")]))
