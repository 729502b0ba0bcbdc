from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestInvoiceCreditControl(CreditCommon):
    """With the company setting on, posting a customer invoice runs the same decision for
    the new credit it carries; held invoices are released or rejected like orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "credit_check_invoices": True,
                "credit_controller_id": cls.analyst.id,
                "credit_release_manager_amount": 1000.0,
            }
        )

    def test_invoice_over_limit_is_held_then_released(self):
        self._invoice(self.customer, 2000.0)
        invoice = self._invoice(self.customer, 1000.0, post=False)
        result = invoice.with_user(self.analyst).action_post()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual((invoice.state, invoice.credit_hold_state), ("draft", "held"))
        self.assertEqual(invoice.credit_hold_rules, "over_limit")
        # the draft is in the exposure already: it is not counted twice
        self.assertIn("3,000.00 exceeds the credit limit", invoice.credit_hold_message)
        self.assertTrue(invoice.activity_ids.filtered(lambda a: a.user_id == self.analyst))

        self._answer(invoice, "release", self.analyst)
        self.assertEqual((invoice.state, invoice.credit_hold_state), ("posted", "released"))
        self.assertRecordValues(
            invoice.sudo().credit_release_ids,
            [{"answer": "release", "amount": 1000.0, "excess": 500.0, "move_id": invoice.id}],
        )

    def test_invoice_of_a_confirmed_order_is_not_checked_again(self):
        order = self._order(self.customer, 2000.0)
        self.customer.with_user(self.analyst).credit_limit = 1000.0
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertFalse(invoice.credit_hold_state)

        extra = self._invoice(self.customer, 100.0, post=False)
        extra.action_post()
        self.assertEqual(extra.credit_hold_state, "held")

    def test_rejected_invoice_stays_draft(self):
        self.customer.with_user(self.analyst).write(
            {"credit_status": "blocked", "credit_hold_reason": "Insolvency filed"}
        )
        invoice = self._invoice(self.customer, 10.0, post=False)
        invoice.action_post()
        self.assertEqual(invoice.credit_hold_rules, "status")
        # a blocked customer can only be released by a credit manager
        with self.assertRaises(AccessError):
            self._answer(invoice, "release", self.analyst)
        self._answer(invoice, "reject", self.analyst, "No credit for this customer")
        self.assertEqual((invoice.state, invoice.credit_hold_state), ("draft", "rejected"))

    def test_setting_off_posts_as_odoo_does(self):
        self.company.credit_check_invoices = False
        invoice = self._invoice(self.customer, 5000.0)
        self.assertEqual(invoice.state, "posted")
        refund = self._invoice(self.customer, 50.0, move_type="out_refund", post=False)
        self.company.credit_check_invoices = True
        refund.action_post()  # credit notes never wait for credit
        self.assertEqual(refund.state, "posted")
