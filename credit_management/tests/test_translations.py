import re

from odoo.fields import Command
from odoo.http import Request
from odoo.tests import Form, HttpCase, TransactionCase, tagged

from .common import CreditCommon
from .common_i18n import TranslationChecks, load_languages


@tagged("post_install", "-at_install")
class TestTranslationFiles(TranslationChecks, TransactionCase):
    """zh_TW and zh_CN of credit_management: complete, placeholders kept, loaded."""

    i18n_module = "credit_management"


@tagged("post_install", "-at_install")
class TestInTheReadersLanguage(CreditCommon, HttpCase):
    """The explanation of a held order, the e-mails and the public form come out in the
    language of whoever reads them: the salesperson, finance, the customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_languages(cls.env, ["credit_management"])
        cls.company.write({"credit_controller_id": cls.analyst.id})
        cls.salesperson.lang = "zh_TW"
        cls.analyst.lang = "zh_CN"

    def _quotation(self, amount):
        return (
            self.env["sale.order"]
            .with_user(self.salesperson)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "price_unit": amount,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )

    def test_held_order_explained_to_sales_and_finance_in_their_languages(self):
        self._invoice(self.customer, 2000.0)
        order = self._quotation(1000.0)
        # the salesperson's session runs in the salesperson's language, as the web client's
        result = order.with_user(self.salesperson).with_context(lang="zh_TW").action_confirm()
        self.assertEqual(order.credit_hold_state, "held")
        # the notification and the hold record: the salesperson's Traditional Chinese
        self.assertIn("超出信用額度", result["params"]["message"])
        self.assertIn("超出信用額度", order.credit_hold_message)
        self.assertIn("2,500.00", order.credit_hold_message)
        self.assertNotIn("Over credit limit", order.credit_hold_message)
        # finance's activity: the controller's Simplified Chinese, with the same figures
        activity = order.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("credit_management.mail_activity_type_credit_hold")
            )
        )
        self.assertEqual(activity.user_id, self.analyst)
        self.assertIn("超出信用额度", activity.note)
        self.assertIn("2,500.00", activity.note)
        self.assertIn(order.name, activity.summary)
        self.assertNotIn("Credit hold", activity.summary)
        # the same decision explained again for an English reader
        self.assertIn(
            "Over credit limit",
            self.env["credit.decision"]._message_in(
                self.env["credit.decision"]
                .with_context(lang="zh_TW")
                ._decide(self.customer, 1000.0),
                "en_US",
            ),
        )

    def test_invitation_mail_and_public_form_in_the_contacts_language(self):
        """The prospect reads Simplified Chinese (mail, form, errors); the salesperson, who
        works in Traditional Chinese, reads the application and its activity in that."""
        buyer = self.env["res.partner"].create(
            {
                "name": "Ms Chen",
                "parent_id": self.customer.id,
                "email": "chen@customer.example",
                "lang": "zh_CN",
            }
        )
        self.customer.user_id = self.salesperson
        self.env["credit.document.type"].sudo().search([]).write({"required_new": False})
        action = self.customer.with_user(self.salesperson).action_credit_invite_to_apply()
        form = Form(
            self.env[action["res_model"]]
            .with_user(self.salesperson)
            .with_context(**dict(action["context"], default_contact_id=buyer.id)),
            view=self.env.ref("credit_management.credit_application_invite_view_form_dialog"),
        )
        invite = form.save()
        invite.action_send()
        mail = self.env["mail.mail"].search(
            [("body_html", "ilike", f"/credit/apply/{invite.id}/")], limit=1
        )
        self.assertEqual(mail.recipient_ids, buyer)
        self.assertRegex(mail.subject, "[\u4e00-\u9fff]")
        self.assertIn("申请", mail.body_html)
        self.assertNotIn("invites", mail.body_html)
        link = re.search(r'href="[^"]*(/credit/apply/\d+/[\w-]+)"', mail.body_html).group(1)
        # the prospect has no account: the form speaks the contact's language
        self.authenticate(None, None)
        page = self.url_open(link)
        self.assertEqual(page.status_code, 200)
        self.assertIn("您申请的信用额度", page.text)
        self.assertNotIn("Credit limit you ask for", page.text)
        data = {
            "csrf_token": Request.csrf_token(self),
            "applicant_name": "Chen Li",
            "applicant_email": "chen@customer.example",
            "requested_limit": "0",
        }
        refused = self.url_open(link, data=data)
        self.assertIn("请输入您申请的信用额度。", refused.text)
        self.url_open(link, data=dict(data, requested_limit="6000", banks="Bank of Taiwan"))
        assessment = invite.assessment_id
        self.assertEqual(assessment.requested_limit, 6000.0)
        # what sales reads: the salesperson's Traditional Chinese
        self.assertIn("透過", assessment.sales_comment)
        self.assertNotIn("Applied with the invitation", assessment.sales_comment)
        activity = assessment.activity_ids
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertIn("請核實文件後提交", activity.summary)
