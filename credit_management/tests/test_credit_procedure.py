import re

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import Request
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import CreditCommon

PDF = b"%PDF-1.4 audited statements"


@tagged("post_install", "-at_install")
class TestCreditProcedure(CreditCommon, HttpCase):
    """Chapter 4 end to end, as each actor acts: the salesperson invites a prospect, the
    prospect applies on the public form (P4.1.1), sales verifies the documents (P4.1.2),
    finance scores with both proposed criteria (P4.1.3) and the manager approves, the answer
    goes back by e-mail and shows on the customer's portal (P4.1.4); a rejected application
    from the portal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"credit_controller_id": cls.analyst.id, "credit_assessment_manager_amount": 10000.0}
        )
        cls.required = cls.env["credit.document.type"].search([])._required_for("new")
        cls.prospect = cls.env["res.partner"].create(
            {"name": "Prospect Trading Ltd", "is_company": True, "user_id": cls.salesperson.id}
        )
        cls.buyer = cls.env["res.partner"].create(
            {
                "name": "Ms Lin, Buyer",
                "parent_id": cls.prospect.id,
                "email": "lin@prospect.example",
            }
        )

    # -- helpers ---------------------------------------------------------------------------
    def _invite(self, user=None, partner=None):
        user = user or self.salesperson
        action = (partner or self.prospect).with_user(user).action_credit_invite_to_apply()
        form = Form(
            self.env[action["res_model"]].with_user(user).with_context(**action["context"]),
            view=self.env.ref("credit_management.credit_application_invite_view_form_dialog"),
        )
        invite = form.save()
        invite.action_send()
        return invite

    def _link(self, invite):
        """The link as the prospect reads it in the e-mail (never in the chatter)."""
        mail = self.env["mail.mail"].search(
            [("body_html", "ilike", f"/credit/apply/{invite.id}/")], limit=1
        )
        self.assertEqual(mail.recipient_ids, invite.contact_id)
        self.assertNotIn("/credit/apply/", "".join(invite.message_ids.mapped("body")))
        return re.search(r'href="[^"]*(/credit/apply/\d+/[\w-]+)"', mail.body_html).group(1)

    def _files(self):
        return {
            f"document_{doc_type.id}": (f"{doc_type.name}.pdf", PDF, "application/pdf")
            for doc_type in self.required
        }

    def _post_form(self, url, **values):
        data = {
            "csrf_token": Request.csrf_token(self),
            "applicant_name": "Lin Mei",
            "applicant_email": "lin@prospect.example",
            "requested_limit": "8000",
            "years_in_business": "9",
            "employees": "25",
            "annual_revenue": "600000",
            "banks": "Bank of Taiwan",
        } | values
        return self.url_open(url, data=data, files=self._files())

    def _applications(self, partner):
        return self.env["credit.assessment"].search(
            [("partner_id", "=", partner.id), ("type", "=", "new")]
        )

    def _send_answer(self, assessment):
        action = assessment.with_user(self.salesperson).action_send_answer()
        composer = Form(
            self.env[action["res_model"]]
            .with_user(self.salesperson)
            .with_context(**action["context"])
        )
        composer.save()._action_send_mail()

    # -- the procedure ---------------------------------------------------------------------
    def test_invited_prospect_applies_and_gets_the_answer(self):
        # a cash customer so far: one invoice paid late, one minor incident
        self._pay(self._invoice(self.prospect, 400.0, days_ago=100, due_in=30), 400.0)
        self.env["credit.event"].create(
            {"name": "Paid after reminder", "partner_id": self.prospect.id, "severity": "low"}
        )
        invite = self._invite()
        self.assertEqual((invite.state, invite.contact_id), ("sent", self.buyer))
        url = self._link(invite)
        self.assertIn("Invited to apply for credit", self.prospect.message_ids[0].body)

        # the prospect, not logged in, opens the link and applies; a bad e-mail is refused
        self.authenticate(None, None)
        self.assertIn("Apply for Credit with", self.url_open(url).text)
        refused = self._post_form(url, applicant_email="not an e-mail")
        self.assertIn("Enter a valid e-mail address", refused.text)
        self.assertIn('value="8000"', refused.text)
        self.assertFalse(self._applications(self.prospect))
        done = self._post_form(url)
        self.assertIn("your application was received", done.text)
        assessment = self._applications(self.prospect)
        self.assertEqual(
            (assessment.state, assessment.user_id, assessment.requested_limit),
            ("draft", self.salesperson, 8000.0),
        )
        self.assertIn("Lin Mei <lin@prospect.example>", assessment.sales_comment)
        self.assertEqual((invite.state, invite.assessment_id), ("used", assessment))
        self.assertTrue(assessment.activity_ids.filtered(lambda a: a.user_id == self.salesperson))
        # the link works once
        self.assertEqual(self.url_open(url).status_code, 404)
        self.assertEqual(self._post_form(url).status_code, 404)
        self.assertEqual(len(self._applications(self.prospect)), 1)

        # sales verifies the documents and submits; finance scores with both proposals
        self._submit(assessment)
        assessment.with_user(self.analyst).action_start_review()
        proposed = assessment.line_ids.filtered("proposed_level_id")
        self.assertEqual(set(proposed.mapped("kind")), {"payment", "history"})
        self.assertEqual(proposed.mapped("level_id"), proposed.mapped("proposed_level_id"))
        self.assertTrue(all(proposed.mapped("proposal")))
        for line in assessment.line_ids - proposed:
            line.with_user(self.analyst).level_id = line.criterion_id.level_ids.sorted("score")[-1]
        assessment.with_user(self.analyst).write(
            {"approved_limit": 15000.0, "decision_reason": "Half the scale for the first year"}
        )
        # above the manager's amount: the analyst cannot approve it, the manager does
        with self.assertRaisesRegex(AccessError, "credit manager"):
            assessment.with_user(self.analyst).action_approve()
        assessment.with_user(self.manager).action_approve()
        self.assertEqual(assessment.state, "approved")
        self.assertEqual(self.prospect.sudo().credit_limit, 15000.0)

        # the answer goes back by e-mail, and the portal shows it once the buyer has access
        self.prospect.email = "office@prospect.example"
        self._send_answer(assessment)
        self.assertTrue(assessment.answer_sent_date)
        new_test_user(
            self.env, login="prospect_portal", groups="base.group_portal"
        ).partner_id.parent_id = self.prospect
        self.authenticate("prospect_portal", "prospect_portal")
        page = self.url_open("/my/credit").text
        self.assertIn(assessment.name, page)
        self.assertIn("Approved", page)
        self.assertIn("15,000.00", page)
        self.assertIn("Our answer was sent to you on", page)
        self.assertNotIn("score", page.lower())

    def test_a_rejected_application_from_the_portal(self):
        portal = new_test_user(self.env, login="procedure_portal", groups="base.group_portal")
        portal.partner_id.parent_id = self.prospect
        self.authenticate("procedure_portal", "procedure_portal")
        response = self.url_open(
            "/my/credit/apply",
            data={"csrf_token": Request.csrf_token(self), "requested_limit": "50000"},
            files=self._files(),
        )
        self.assertEqual(response.status_code, 200)
        assessment = self._applications(self.prospect)
        self._submit(assessment)
        assessment.with_user(self.analyst).action_start_review()
        assessment.with_user(self.analyst).finance_comment = "Internal: losses two years running"
        assessment.with_user(self.analyst).action_reject()
        self.prospect.email = "office@prospect.example"
        self._send_answer(assessment)
        page = self.url_open("/my/credit").text
        self.assertIn("Not granted", page)
        self.assertIn("payment in advance", page)
        self.assertNotIn("losses two years", page)
        # a new application may follow the refusal
        self.assertIn("Apply for Credit", self.url_open("/my/credit/apply").text)

    # -- the invitation's rules ------------------------------------------------------------
    def test_an_invitation_is_refused_or_replaced_as_expected(self):
        Invite = self.env["credit.application.invite"]
        first = self._invite()
        second = self._invite()
        self.assertEqual((first.state, second.state), ("cancelled", "sent"))
        self.authenticate(None, None)
        # the first link no longer opens the form
        self.assertEqual(self.url_open(self._link(first)).status_code, 404)
        # a wrong token, another invitation's id, an id no integer holds
        url = self._link(second)
        self.assertEqual(self.url_open(url[:-3] + "xyz").status_code, 404)
        token = url.rsplit("/", 1)[1]
        self.assertEqual(self.url_open(f"/credit/apply/{first.id}/{token}").status_code, 404)
        self.assertEqual(self.url_open(f"/credit/apply/99999999999/{token}").status_code, 404)
        # a sent link stays as it was sent
        with self.assertRaises(UserError):
            second.with_user(self.salesperson).write({"partner_id": self.customer.id})
        with self.assertRaises(UserError):
            second.with_user(self.salesperson).write({"expiry_date": "2099-12-31"})
        # the token is nobody's to read
        with self.assertRaises(AccessError):
            second.with_user(self.analyst).read(["access_token"])
        # an expired link
        second.env.cr.execute(
            "UPDATE credit_application_invite SET expiry_date = %s WHERE id = %s",
            [self.today.replace(year=self.today.year - 1), second.id],
        )
        second.invalidate_recordset()
        self.assertEqual(self.url_open(url).status_code, 404)
        # nobody writes the link, its state or its use
        with self.assertRaises(AccessError):
            second.with_user(self.salesperson).write({"state": "sent"})
        with self.assertRaises(AccessError):
            Invite.with_user(self.salesperson).create(
                {
                    "partner_id": self.prospect.id,
                    "contact_id": self.buyer.id,
                    "access_token": "chosen",
                }
            )
        # a contact of another company, an invitation to a contact instead of the company
        with self.assertRaises(ValidationError):
            Invite.with_user(self.salesperson).create(
                {"partner_id": self.prospect.id, "contact_id": self.customer_contact.id}
            )
        with self.assertRaises(ValidationError):
            Invite.with_user(self.salesperson).create(
                {"partner_id": self.buyer.id, "contact_id": self.buyer.id}
            )
        # no e-mail, no invitation
        mute = self.env["res.partner"].create({"name": "Mute Co", "is_company": True})
        with self.assertRaisesRegex(UserError, "has no e-mail"):
            Invite.with_user(self.analyst).create(
                {"partner_id": mute.id, "contact_id": mute.id}
            ).action_send()
        # an application already under way: no invitation
        self._post_form(self._link(self._invite()))
        with self.assertRaisesRegex(UserError, "already has a credit application"):
            self._invite()

    def test_who_sees_and_sends_invitations(self):
        invite = self._invite()
        other_sales = self._credit_user("invite_other_sales", "sales_team.group_sale_salesman")
        Invite = self.env["credit.application.invite"]
        self.assertFalse(Invite.with_user(other_sales).search([("id", "=", invite.id)]))
        self.assertEqual(Invite.with_user(self.analyst).search([("id", "=", invite.id)]), invite)
        self.assertEqual(Invite.with_user(self.auditor).search([("id", "=", invite.id)]), invite)
        with self.assertRaises(AccessError):
            invite.with_user(self.auditor).action_cancel()
        with self.assertRaises(AccessError):
            invite.with_user(other_sales).action_cancel()
        with self.assertRaises(AccessError):
            self.env["credit.application.invite"].with_user(self.auditor).create(
                {"partner_id": self.prospect.id, "contact_id": self.buyer.id}
            )
        # a colleague's newer invitation replaces it, though the salesperson cannot see it
        colleague = self._credit_user("invite_colleague", "sales_team.group_sale_salesman")
        newer = self._invite(user=colleague)
        self.assertEqual((invite.state, newer.state), ("cancelled", "sent"))
        newer.with_user(colleague).action_cancel()
        self.assertEqual(newer.state, "cancelled")
        # from the opportunity too
        lead = self.env["crm.lead"].create(
            {"name": "Big deal", "partner_id": self.buyer.id, "user_id": self.salesperson.id}
        )
        action = lead.with_user(self.salesperson).action_credit_invite_to_apply()
        self.assertEqual(action["context"]["default_partner_id"], self.prospect.id)
        self.assertEqual(action["context"]["default_contact_id"], self.buyer.id)
