from odoo.tests import TransactionCase, tagged

from odoo.addons.credit_management.tests.common_i18n import TranslationChecks, load_languages

from .test_delivery_block import TestDeliveryBlock


@tagged("post_install", "-at_install")
class TestTranslationFiles(TranslationChecks, TransactionCase):
    """zh_TW and zh_CN of credit_management_stock: complete, placeholders kept, loaded."""

    i18n_module = "credit_management_stock"


@tagged("post_install", "-at_install")
class TestDeliveryHoldInTheReadersLanguage(TestDeliveryBlock):
    """A delivery held over the limit: the warehouse user reads why in English, finance's
    activity gives the delivery's own rule in the controller's Simplified Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_languages(cls.env, ["credit_management", "credit_management_stock"])
        cls.analyst.lang = "zh_CN"

    def test_a_delivery_over_the_limit_explained_to_finance_in_its_language(self):
        self.company.write({"credit_block_deliveries": True, "credit_delivery_tolerance": 100.0})
        picking = self._delivery(500.0)
        self._invoice(self.customer, 2300.0)  # exposure 2,800: 300 over a limit of 2,500
        self._validate(picking)
        self.assertEqual(picking.credit_hold_state, "held")
        self.assertIn("delivery tolerance", picking.credit_hold_message)
        activity = picking._credit_finance_activities()
        self.assertEqual(activity.user_id, self.analyst)
        # the delivery's rule (the tolerance), not the order rules, in zh_CN
        self.assertIn("超出信用额度", activity.note)
        self.assertIn("发货超额容许金额", activity.note)  # the tolerance: the delivery rule
        self.assertNotIn("delivery tolerance", activity.note)
        self.assertNotIn("Within credit", activity.note)
        self.assertRegex(activity.summary, "[\u4e00-\u9fff]")
