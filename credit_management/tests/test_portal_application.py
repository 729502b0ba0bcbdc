from odoo.exceptions import AccessError
from odoo.http import Request
from odoo.tests import HttpCase, new_test_user, tagged

PDF = b"%PDF-1.4 audited statements"


@tagged("post_install", "-at_install")
class TestPortalApplication(HttpCase):
    """P4.1.1: the customer applies for credit on the portal: a draft assessment for its
    salesperson with the documents (checked: type and size), an activity; the customer
    follows its state and sees no score; a bad file creates nothing."""

    def setUp(self):
        super().setUp()
        self.salesperson = new_test_user(
            self.env, login="portal_app_sales", groups="sales_team.group_sale_salesman"
        )
        self.company_partner = self.env["res.partner"].create(
            {"name": "Portal Buyer Co", "is_company": True, "user_id": self.salesperson.id}
        )
        self.portal = new_test_user(self.env, login="portal_buyer", groups="base.group_portal")
        self.portal.partner_id.parent_id = self.company_partner
        self.required = self.env["credit.document.type"].search([])._required_for("new")
        self.assertTrue(self.required)

    def _apply(self, files=None, **values):
        self.authenticate("portal_buyer", "portal_buyer")
        data = {
            "csrf_token": Request.csrf_token(self),
            "requested_limit": "30000",
            "years_in_business": "12",
            "employees": "40",
            "annual_revenue": "900000",
            "banks": "Bank of Taiwan",
            "registration": "12345678",
        } | values
        files = files or {
            f"document_{doc_type.id}": (f"{doc_type.name}.pdf", PDF, "application/pdf")
            for doc_type in self.required
        }
        return self.url_open("/my/credit/apply", data=data, files=files)

    def _applications(self):
        return self.env["credit.assessment"].search([("partner_id", "=", self.company_partner.id)])

    def test_the_customer_applies_and_follows_its_application(self):
        self.authenticate("portal_buyer", "portal_buyer")
        self.assertIn("Apply for Credit", self.url_open("/my/credit/apply").text)
        response = self._apply()
        self.assertEqual(response.status_code, 200)
        assessment = self._applications()
        self.assertEqual(len(assessment), 1)
        self.assertEqual(
            (assessment.state, assessment.type, assessment.user_id, assessment.requested_limit),
            ("draft", "new", self.salesperson, 30000.0),
        )
        self.assertEqual((assessment.years_in_business, assessment.employees), (12, 40))
        self.assertIn("Bank of Taiwan", assessment.sales_comment)
        self.assertEqual(assessment.document_ids.type_id, self.required)
        self.assertFalse(any(assessment.document_ids.mapped("verified")))
        self.assertTrue(assessment.activity_ids.filtered(lambda a: a.user_id == self.salesperson))
        # one application at a time
        self.assertIn("already under way", self._apply().text)
        self.assertEqual(len(self._applications()), 1)
        # finance's own reviews of the customer stay internal
        review = self.env["credit.assessment"].create(
            {"partner_id": self.company_partner.id, "type": "adhoc", "requested_limit": 1.0}
        )
        page = self.url_open("/my/credit").text
        self.assertIn(assessment.name, page)
        self.assertNotIn(review.name, page)
        self.assertIn("Received", page)
        self.assertNotIn("score", page.lower())
        # the answer, once finance decided and sales sent it
        assessment._credit_workflow_write(
            {
                "state": "approved",
                "approved_limit": 20000.0,
                "answer_sent_date": "2026-11-02 10:00:00",
            }
        )
        page = self.url_open("/my/credit").text
        self.assertIn("Approved", page)
        self.assertIn("20,000.00", page)
        self.assertIn("Our answer was sent to you on", page)
        # the customer reads its application through the portal only
        with self.assertRaises(AccessError):
            self.env["credit.assessment"].with_user(self.portal).search([])
        with self.assertRaises(AccessError):
            assessment.document_ids.with_user(self.portal).read(["file"])

    def test_a_bad_file_creates_nothing(self):
        files = {
            f"document_{doc_type.id}": ("tool.exe", b"MZ\x90\x00 not a document", "application/pdf")
            for doc_type in self.required
        }
        response = self._apply(files=files)
        self.assertIn("is not a PDF, PNG or JPEG file", response.text)
        self.assertIn('value="30000"', response.text)  # what was typed stays
        self.assertFalse(self._applications())
        response = self._apply(requested_limit="lots")
        self.assertIn("enter a number", response.text)
        self.assertFalse(self._applications())

    def test_another_customer_sees_nothing_of_it(self):
        self._apply()
        other_company = self.env["res.partner"].create({"name": "Other Co", "is_company": True})
        other = new_test_user(self.env, login="portal_other", groups="base.group_portal")
        other.partner_id.parent_id = other_company
        self.authenticate("portal_other", "portal_other")
        page = self.url_open("/my/credit").text
        self.assertNotIn(self._applications().name, page)

    def test_the_application_in_the_browser(self):
        """The portal application as the buyer makes it in the browser (tour)."""
        self.start_tour(
            "/my/credit", "credit_management_portal_application_tour", login="portal_buyer"
        )
        assessment = self._applications()
        self.assertEqual((assessment.state, assessment.requested_limit), ("draft", 30000.0))
        self.assertEqual(assessment.years_in_business, 12)
        self.assertEqual(assessment.document_ids.type_id, self.required)
        self.assertTrue(all(assessment.document_ids.mapped("file")))
