from odoo.tests import TransactionCase, tagged

from odoo.addons.credit_management.tests.common_i18n import TranslationChecks


@tagged("post_install", "-at_install")
class TestTranslationFiles(TranslationChecks, TransactionCase):
    """zh_TW and zh_CN of credit_management_stock: complete, placeholders kept, loaded."""

    i18n_module = "credit_management_stock"
