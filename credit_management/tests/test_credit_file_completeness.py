from odoo.tests import tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestCreditFileCompleteness(CreditCommon):
    """P3.2.1: every customer with a limit, an order or an invoice has a credit file (opened
    set-based by the monthly cron), whose monthly summary holds invoices, credit notes,
    payments and orders."""

    def _file(self, partner):
        return self.env["credit.file"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )

    def test_cron_opens_the_missing_files(self):
        Partner = self.env["res.partner"]
        ordering = Partner.create({"name": "Ordering", "is_company": True, "credit_limit": 1000})
        invoiced = Partner.create({"name": "Invoiced", "is_company": True})
        nothing = Partner.create({"name": "Prospect", "is_company": True})
        self._order(ordering, 300.0)
        ordering.credit_limit = 0.0  # only the order is left to give it a file
        invoice = self._invoice(invoiced, 1000.0)
        self._invoice(invoiced, 200.0, move_type="out_refund")
        self._pay(invoice, 300.0)
        self.env["credit.file"].search(
            [("partner_id", "in", (ordering | invoiced).ids)]
        ).sudo().unlink()
        self.env["credit.monitoring.files"]._cron_credit_files(batch_size=100)
        self.assertTrue(self._file(ordering))
        self.assertTrue(self._file(invoiced))
        self.assertFalse(self._file(nothing))
        files = self.env["credit.file"].search_count([])
        self.env["credit.monitoring.files"]._cron_credit_files(batch_size=100)
        self.assertEqual(self.env["credit.file"].search_count([]), files)
        # what the file summarises, month by month
        self.env.invalidate_all()  # the files were created in this transaction
        [month] = self._file(invoiced).month_ids
        self.assertEqual((month.invoice_count, month.invoiced), (1, 1000.0))
        self.assertEqual((month.credit_note_count, month.credited), (1, 200.0))
        self.assertEqual((month.payment_count, month.payments), (1, 300.0))
        [month] = self._file(ordering).month_ids
        self.assertEqual((month.order_count, month.ordered), (1, 300.0))
