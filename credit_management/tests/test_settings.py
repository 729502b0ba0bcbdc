from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestSettings(CreditCommon):
    """Company settings of credit control (P4.2.1 quarterly reviews, P3.1.2 at least yearly)."""

    def test_defaults_follow_the_policy(self):
        company = self.env["res.company"].create({"name": "Fresh Co"})
        self.assertEqual(company.credit_review_months, 3)
        self.assertTrue(company.credit_include_draft_invoices)
        self.assertTrue(company.credit_include_uninvoiced_orders)
        self.assertEqual(company.credit_warning_threshold, 80.0)
        self.assertFalse(company.credit_control_enabled)

    def test_review_frequency_never_longer_than_a_year(self):
        self.company.credit_review_months = 12
        for months in (13, 0, -3):
            with self.assertRaises(ValidationError):
                self.company.credit_review_months = months

    def test_bad_thresholds_are_refused(self):
        with self.assertRaises(ValidationError):
            self.company.credit_warning_threshold = 0
        with self.assertRaises(ValidationError):
            self.company.credit_warning_threshold = 150
        with self.assertRaises(ValidationError):
            self.company.credit_overdue_grace_days = -1

    def test_credit_control_switches_on_odoo_credit_limit(self):
        self.company.write({"credit_control_enabled": False, "account_use_credit_limit": False})
        settings = self.env["res.config.settings"].new({"credit_control_enabled": True})
        settings._onchange_credit_control_enabled()
        self.assertTrue(settings.account_use_credit_limit)

        self.env["res.config.settings"].create(
            {"credit_control_enabled": True, "credit_review_months": 6}
        ).execute()
        self.assertTrue(self.company.credit_control_enabled)
        self.assertTrue(self.company.account_use_credit_limit)
        self.assertEqual(self.company.credit_review_months, 6)

        self.company.write({"credit_control_enabled": False, "account_use_credit_limit": False})
        self.company.credit_control_enabled = True
        self.assertTrue(self.company.account_use_credit_limit)

    def test_settings_refuse_a_review_frequency_over_twelve_months(self):
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"credit_review_months": 18}).execute()
        self.assertEqual(self.company.credit_review_months, 3)
