from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestCreditProfile(CreditCommon):
    """Roles, the credit profile on the customer and the hold with a mandatory reason."""

    # the test base class switches chatter tracking off; these tests check it
    TRACKING = {"tracking_disable": False, "mail_notrack": False}  # noqa: RUF012

    def flush_tracking(self):
        """Run what a commit runs: tracking values are written then. Called first, it also
        ends the tracking pause that covers records created in the same transaction (the
        customer of the set-up), as if the customer had been created earlier."""
        self.env.flush_all()
        self.env.cr.flush()

    def _change_status(self, user, partner, status, reason):
        wizard_form = Form(
            self.env["credit.hold.wizard"]
            .with_user(user)
            .with_context(default_partner_id=partner.id, default_new_status=status, **self.TRACKING)
        )
        wizard_form.reason = reason
        return wizard_form.save().action_confirm()

    def test_groups_and_default_membership(self):
        self.assertTrue(
            self.env.ref("base.user_admin").has_group("credit_management.group_credit_manager")
        )
        self.assertTrue(self.salesperson.has_group("credit_management.group_credit_salesperson"))
        self.assertFalse(self.salesperson.has_group("credit_management.group_credit_analyst"))
        self.assertTrue(self.manager.has_group("credit_management.group_credit_analyst"))
        self.assertTrue(self.analyst.has_group("credit_management.group_credit_salesperson"))
        self.assertFalse(self.auditor.has_group("credit_management.group_credit_salesperson"))

    def test_analyst_places_on_hold_and_lifts_it_with_reasons(self):
        self.flush_tracking()
        self._change_status(self.analyst, self.customer, "hold", "Cheque returned by the bank")
        customer = self.customer.with_user(self.analyst)
        self.assertEqual(customer.credit_status, "hold")
        self.assertEqual(customer.credit_hold_reason, "Cheque returned by the bank")
        self.assertTrue(customer.credit_on_hold)
        self.flush_tracking()
        self.assertTrue(
            self.customer.message_ids.filtered(lambda m: "Cheque returned by the bank" in m.body)
        )
        tracked = self.customer.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "credit_status"
        )
        self.assertEqual(tracked[:1].new_value_char, "On Hold")

        self._change_status(self.analyst, self.customer, "approved", "Bank guarantee received")
        self.assertEqual(customer.credit_status, "approved")
        self.assertFalse(customer.credit_hold_reason)
        self.assertFalse(customer.credit_on_hold)
        self.assertTrue(
            self.customer.message_ids.filtered(lambda m: "Bank guarantee received" in m.body)
        )

    def test_hold_needs_a_reason(self):
        with self.assertRaises(ValidationError):
            self.customer.with_user(self.analyst).credit_status = "hold"
        with self.assertRaises(ValidationError):
            self.customer.with_user(self.analyst).write(
                {"credit_status": "blocked", "credit_hold_reason": "   "}
            )
        self.assertFalse(self.customer.credit_status)

    def test_hold_is_per_company(self):
        company_2 = self.setup_other_company(name="Credit Company 2")["company"]
        self._change_status(self.analyst, self.customer, "hold", "Disputed invoices")
        self.assertEqual(self.customer.with_company(company_2).credit_status, False)
        self.assertFalse(self.customer.with_company(company_2).credit_on_hold)
        self.assertTrue(self.customer.credit_on_hold)

    def test_salesperson_reads_the_summary_but_cannot_change_it(self):
        self._invoice(self.customer, 400.0)
        customer = self.customer.with_user(self.salesperson)
        self.assertEqual(customer.credit_exposure, 400.0)
        self.assertEqual(customer.credit_available, 2100.0)
        self.assertEqual(customer.credit_status, False)
        with self.assertRaises(AccessError):
            customer.write({"credit_status": "approved"})
        with self.assertRaises(AccessError):
            customer.write({"credit_next_review_date": self.today})
        with self.assertRaises(AccessError):
            self.env["credit.hold.wizard"].with_user(self.salesperson).create(
                {"partner_id": self.customer.id, "new_status": "hold", "reason": "no"}
            )
        # the salesperson still edits the rest of the customer
        customer.phone = "+886 2 1234 5678"

    def test_auditor_reads_everything_and_changes_nothing(self):
        customer = self.customer.with_user(self.auditor)
        self.assertEqual(customer.credit_limit, 2500.0)
        self.assertEqual(customer.credit_exposure, 0.0)
        with self.assertRaises(AccessError):
            customer.write({"credit_status": "approved"})
        with self.assertRaises(AccessError):
            self.env["credit.hold.wizard"].with_user(self.auditor).create(
                {"partner_id": self.customer.id, "new_status": "hold", "reason": "no"}
            )

    def test_user_without_credit_group_sees_nothing(self):
        customer = self.customer.with_user(self.internal_user)
        for fname in ("credit_exposure", "credit_status", "credit_available", "credit_limit"):
            with self.assertRaises(AccessError):
                customer.read([fname])

    def test_limit_changes_are_tracked(self):
        self.flush_tracking()
        self.customer.with_user(self.analyst).with_context(**self.TRACKING).credit_limit = 4000.0
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.credit_available, 4000.0)
        self.flush_tracking()
        tracked = self.customer.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "credit_limit"
        )
        self.assertEqual(
            (tracked[:1].old_value_float, tracked[:1].new_value_float), (2500.0, 4000.0)
        )

    def test_partner_form_shows_the_credit_tab_to_credit_groups(self):
        for user, visible in (
            (self.salesperson, True),
            (self.auditor, True),
            (self.internal_user, False),
        ):
            arch = (
                self.env["res.partner"]
                .with_user(user)
                .get_views([(False, "form")])["views"]["form"]["arch"]
            )
            self.assertEqual('name="credit_management"' in arch, visible, user.login)
        # the hold buttons are for finance only
        arch = (
            self.env["res.partner"]
            .with_user(self.salesperson)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertNotIn("action_credit_change_status", arch)
        arch = (
            self.env["res.partner"]
            .with_user(self.analyst)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn("action_credit_change_status", arch)
