from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common_i18n import load_languages


@tagged("post_install", "-at_install")
class TestCreditRoleTours(HttpCase):
    """The procedure in Chromium as each role does it (static/tests/tours/credit_role_tours.js),
    in English and again for users who work in Traditional and in Simplified Chinese: the
    salesperson requests and submits an assessment from an opportunity (P4.1.2), the analyst
    scores and approves it (P4.1.3), a salesperson's order is held and finance releases it,
    the auditor reads a credit file and can change nothing (P3.2.3). The file upload of the
    application is in the portal tour; here the company asks for no document before the
    first assessment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the set-up's limits are finance's, given with a reason
        cls.env = cls.env(context=dict(cls.env.context, credit_change_reason="Tour set-up"))
        cls.company = cls.env.company
        load_languages(cls.env, ["credit_management"])
        cls.salesperson = new_test_user(
            cls.env,
            login="tour_sales",
            groups="sales_team.group_sale_salesman",
            email="tour_sales@example.com",
        )
        cls.analyst = new_test_user(
            cls.env,
            login="tour_analyst",
            groups="credit_management.group_credit_analyst,account.group_account_invoice",
            email="tour_analyst@example.com",
        )
        cls.auditor = new_test_user(
            cls.env, login="tour_auditor", groups="credit_management.group_credit_auditor"
        )
        cls.company.write(
            {
                "credit_control_enabled": True,
                "credit_controller_id": cls.analyst.id,
                "credit_assessment_manager_amount": 1000000.0,
                "credit_release_manager_amount": 1000000.0,
            }
        )
        cls.env["credit.document.type"].search([]).write(
            {"required_new": False, "required_adhoc": False, "required_periodic": False}
        )
        cls.tag = cls.env["crm.tag"].create({"name": "Trade fair"})

    def _as_language(self, lang):
        (self.salesperson | self.analyst | self.auditor).write({"lang": lang})
        return self._suffix(self.salesperson)

    @staticmethod
    def _suffix(user):
        """The name suffix of a tour's variant in ``user``'s language."""
        lang = user.lang or "en_US"
        return "" if lang == "en_US" else f"_{lang}"

    def _opportunity(self, name):
        customer = self.env["res.partner"].create(
            {"name": name, "is_company": True, "user_id": self.salesperson.id}
        )
        lead = self.env["crm.lead"].create(
            {
                "name": f"Office furniture for {name}",
                "type": "opportunity",
                "partner_id": customer.id,
                "user_id": self.salesperson.id,
                "expected_revenue": 25000.0,
                "tag_ids": [Command.link(self.tag.id)],
            }
        )
        return customer, lead

    def test_assessment_requested_from_opportunity_then_scored_and_approved(self):
        for lang in ("en_US", "zh_TW", "zh_CN"):
            with self.subTest(lang=lang):
                suffix = self._as_language(lang)
                customer, lead = self._opportunity(f"Prospect {lang}")
                self.start_tour(
                    f"/odoo/action-crm.crm_lead_action_pipeline/{lead.id}",
                    f"credit_sales_assessment_tour{suffix}",
                    login="tour_sales",
                )
                assessment = self.env["credit.assessment"].search(
                    [("partner_id", "=", customer.id)]
                )
                self.assertEqual(assessment.state, "submitted")
                self.assertEqual(assessment.lead_id, lead)
                self.assertEqual(assessment.requested_limit, 20000.0)
                self.assertIn("two suppliers", assessment.sales_comment)
                self.assertEqual(assessment.user_id, self.salesperson)

                self.start_tour(
                    "/odoo/action-credit_management.credit_assessment_review_action/"
                    f"{assessment.id}",
                    f"credit_analyst_scoring_tour{suffix}",
                    login="tour_analyst",
                )
                self.assertEqual(assessment.state, "approved")
                self.assertEqual(assessment.approved_by_id, self.analyst)
                self.assertTrue(all(assessment.line_ids.mapped("level_id")))
                # what the analyst chose is what the customer gets
                self.assertEqual(assessment.approved_limit, 18000.0)
                self.assertTrue(assessment.decision_overridden)
                self.assertIn("one year of statements", assessment.decision_reason)
                self.assertEqual(customer.credit_limit, 18000.0)
                self.assertEqual(customer.credit_rating_id, assessment.approved_rating_id)
                self.assertEqual(customer.credit_status, "approved")

    def _held_order(self, limit, price):
        """A quotation the salesperson made from an opportunity with tags, for a customer
        whose limit it exceeds; the salesperson confirms it in the browser and it is held."""
        customer, lead = self._opportunity("Tour Customer")
        customer.sudo().credit_limit = limit
        product = self.env["product.product"].create(
            {"name": "Tour Desk", "type": "service", "list_price": price, "taxes_id": []}
        )
        order = (
            self.env["sale.order"]
            .with_user(self.salesperson)
            .create(
                {
                    "partner_id": customer.id,
                    "opportunity_id": lead.id,
                    "tag_ids": [Command.link(self.tag.id)],
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "price_unit": price, "tax_id": []}
                        )
                    ],
                }
            )
        )
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            f"credit_sales_held_order_tour{self._suffix(self.salesperson)}",
            login="tour_sales",
        )
        self.assertEqual((order.state, order.credit_hold_state), ("draft", "held"))
        return order

    def _release(self, order):
        """The analyst releases the held order from the hold queue, in the browser."""
        self.start_tour(
            "/odoo/action-credit_management.sale_order_credit_hold_action",
            f"credit_analyst_release_tour{self._suffix(self.analyst)}",
            login="tour_analyst",
        )
        self.assertEqual((order.state, order.credit_hold_state), ("sale", "released"))
        self.assertEqual(order.sudo().credit_release_ids.reason, "Bank guarantee received")

    def test_order_from_opportunity_held_then_released_by_finance(self):
        self._release(self._held_order(500.0, 800.0))

    def test_held_order_in_the_salespersons_and_the_analysts_languages(self):
        """A salesperson in Simplified Chinese, an analyst in Traditional Chinese: each reads
        the hold in their own language."""
        self._as_language("zh_TW")
        self.salesperson.lang = "zh_CN"
        order = self._held_order(100.0, 300.0)
        # the hold as the salesperson confirmed it; finance's activity in finance's language
        self.assertIn("超出信用额度", order.sudo().credit_hold_message)
        activity = order.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("credit_management.mail_activity_type_credit_hold")
            )
        )
        self.assertIn("超出信用額度", activity.note)
        self._release(order)

    def test_auditor_reads_a_credit_file_and_can_change_nothing(self):
        customer = self.env["res.partner"].create(
            {"name": "Audited Customer", "is_company": True, "credit_limit": 3000.0}
        )
        credit_file = self.env["credit.file"]._for_partner(customer, self.company)
        credit_file.notes = "<p>Bank guarantee on file.</p>"
        for lang in ("en_US", "zh_TW", "zh_CN"):
            with self.subTest(lang=lang):
                suffix = self._as_language(lang)
                self.start_tour(
                    "/odoo/action-credit_management.credit_file_action",
                    f"credit_auditor_file_tour{suffix}",
                    login="tour_auditor",
                )
        # reading is logged (P3.2.3), nothing was changed
        self.assertEqual(credit_file.notes, "<p>Bank guarantee on file.</p>")
        self.assertTrue(
            self.env["credit.access.log"].search_count(
                [("user_id", "=", self.auditor.id), ("res_model", "=", "credit.file")]
            )
        )
