import base64
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, new_test_user, tagged

from .common import CreditCommon

PDF = base64.b64encode(b"%PDF-1.4 credit document")


@tagged("post_install", "-at_install")
class TestCreditAssessment(CreditCommon):
    """The assessment form from sales to finance and back (P3.1, P4.1, P4.2.1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"credit_controller_id": cls.analyst.id, "credit_review_months": 3})
        cls.analyst_2 = cls._credit_user(
            "credit_analyst_2", "credit_management.group_credit_analyst"
        )
        cls.scorecard = cls.env.ref("credit_management.scorecard_default")
        cls.statements = cls.env.ref("credit_management.document_type_financial_statements")
        cls.bank_reference = cls.env.ref("credit_management.document_type_bank_reference")
        cls.rating_b = cls.env.ref("credit_management.rating_b")
        cls.assessment_type = cls.env.ref("credit_management.mail_activity_type_credit_assessment")

    def _assessment(self, partner=None, user=None, documents=True, **vals):
        user = user or self.salesperson
        values = {
            "partner_id": (partner or self.customer).id,
            "type": "new",
            "requested_limit": 20000.0,
            "annual_revenue": 500000.0,
            "years_in_business": 12,
            "sales_comment": "Long-standing distributor, asks for 30 days.",
        }
        if documents:
            values["document_ids"] = [
                Command.create({"type_id": doc_type.id, "file": PDF, "filename": "doc.pdf"})
                for doc_type in (self.statements, self.bank_reference)
            ]
        return self.env["credit.assessment"].with_user(user).create(values | vals)

    def _score(self, assessment, levels, user=None):
        """Score the criteria with the levels named, in scorecard order."""
        user = user or self.analyst
        for line, level_name in zip(assessment.line_ids, levels, strict=True):
            level = line.criterion_id.level_ids.filtered(lambda lv, n=level_name: lv.name == n)
            vals = {"level_id": level.id}
            if line.proposed_level_id and line.proposed_level_id != level:
                vals["override_reason"] = "Checked with the bank"
            line.with_user(user).write(vals)

    def _to_review(self, assessment):
        self._submit(assessment)
        assessment.with_user(self.analyst).action_start_review()

    def _pay_on(self, invoice, date):
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"payment_date": date})
            ._create_payments()
        )

    # ------------------------------------------------------------------------------------------
    def test_sales_verifies_each_document_before_submitting(self):
        """P4.1.2: every required document is checked by sales (who, when, a note) before
        the assessment goes to finance; another file asks for a new check."""
        assessment = self._assessment().with_user(self.salesperson)
        statements = assessment.document_ids.filtered(lambda d: d.type_id == self.statements)
        with self.assertRaisesRegex(UserError, "verify these documents first"):
            assessment.action_submit()
        statements.verification_note = "Compared with the audited originals"
        statements.action_verify()
        self.assertEqual((statements.verified, statements.verified_by_id), (True, self.salesperson))
        self.assertTrue(statements.verified_date)
        with self.assertRaisesRegex(UserError, "Bank Credit Reference"):
            assessment.action_submit()
        # the verification is the button's: nobody writes it
        bank = assessment.document_ids - statements
        with self.assertRaises(AccessError):
            bank.write({"verified": True})
        with self.assertRaises(AccessError):
            assessment.write({"document_ids": [Command.update(bank.id, {"verified": True})]})
        # a new file is checked again
        statements.file = base64.b64encode(b"%PDF-1.4 other statements")
        self.assertFalse(statements.verified)
        assessment.document_ids.action_verify()
        assessment.action_submit()
        self.assertEqual(assessment.state, "submitted")
        # once with finance, sales verifies nothing more
        with self.assertRaises(UserError):  # AccessError is one too
            statements.action_verify()

    def _approved(self):
        assessment = self._assessment()
        self._to_review(assessment)
        self._score(assessment, ["Sound", "Good", "Clean", "Mostly on time"])
        assessment.with_user(self.analyst).action_approve()
        return assessment

    def _send_answer(self, assessment):
        action = assessment.with_user(self.salesperson).action_send_answer()
        composer = Form(
            self.env[action["res_model"]]
            .with_user(self.salesperson)
            .with_context(**action["context"])
        )
        return composer.save()._action_send_mail()

    def test_the_answer_goes_back_to_the_customer(self):
        """P4.1.4: from the approved assessment the salesperson sends the customer the
        limit and terms with the template; the chatter keeps it; the "inform the customer"
        activity is done; the customer's quotations show the assessment in force."""
        self.customer.email = "buyer@customer.example"
        assessment = self._approved()
        todo = assessment.activity_ids.filtered(lambda a: a.user_id == self.salesperson)
        self.assertTrue(todo)
        self._send_answer(assessment)
        message = assessment.message_ids.filtered(lambda m: self.customer in m.partner_ids)
        self.assertEqual(len(message), 1)
        self.assertIn("25,000.00", message.body)
        self.assertNotIn(str(round(assessment.total_score)), message.body)
        self.assertTrue(assessment.answer_sent_date)
        self.assertFalse(todo.exists())
        with self.assertRaises(UserError):  # kept as approved; the date is the workflow's
            assessment.with_user(self.salesperson).write({"answer_sent_date": False})
        # the quotation shows the assessment in force
        order = self._order(self.customer, 100.0, confirm=False).with_user(self.salesperson)
        self.assertEqual(order.credit_assessment_id, assessment)
        self.assertEqual(order.credit_assessment_rating_id, self.rating_b)
        self.assertEqual(order.credit_assessment_limit, 25000.0)
        self.assertEqual(
            order.credit_assessment_valid_until,
            self.customer.with_company(self.company).sudo().credit_next_review_date,
        )

    def test_a_refusal_offers_what_remains_possible(self):
        self.customer.email = "buyer@customer.example"
        assessment = self._assessment()
        self._to_review(assessment)
        assessment.with_user(self.analyst).finance_comment = "Internal: weak bank reference"
        assessment.with_user(self.analyst).action_reject()
        self._send_answer(assessment)
        body = assessment.message_ids.filtered(lambda m: self.customer in m.partner_ids).body
        self.assertIn("payment in advance", body)
        self.assertNotIn("weak bank reference", body)
        with self.assertRaises(UserError):
            self._assessment().with_user(self.salesperson).action_send_answer()

    def test_credit_history_is_proposed_from_the_customers_record(self):
        """P4.1.3: the credit history criterion is proposed from the customer's events and
        holds of the last 12 months, with the computation; another level needs a reason."""
        Event = self.env["credit.event"]
        self._invoice(self.customer, 500.0, days_ago=60)
        Event.create({"name": "Late", "partner_id": self.customer.id, "severity": "medium"})
        Event.create(
            {
                "name": "Old bounced cheque",
                "partner_id": self.customer.id,
                "event_type": "returned_payment",
                "severity": "high",
                "date": self.today - timedelta(days=400),
            }
        )
        assessment = self._assessment()
        self._to_review(assessment)
        line = assessment.line_ids.filtered(lambda li: li.kind == "history")
        # medium event: 10 points; the cheque is older than 12 months
        self.assertEqual(line.proposed_level_id.name, "Minor incidents")
        self.assertIn("Index 100 - 10 = 90", line.proposal)
        self.assertEqual(line.level_id, line.proposed_level_id)
        clean = line.criterion_id.level_ids.filtered(lambda lv: lv.name == "Clean")
        with self.assertRaises(ValidationError):
            line.with_user(self.analyst).write({"level_id": clean.id})
        line.with_user(self.analyst).write(
            {"level_id": clean.id, "override_reason": "The delay was our invoicing error"}
        )
        # a bounced cheque this year is a default in the scorecard's terms
        Event.create(
            {
                "name": "Bounced cheque",
                "partner_id": self.customer.id,
                "event_type": "returned_payment",
                "severity": "high",
            }
        )
        assessment.with_user(self.analyst).action_propose_payment_record()
        self.assertEqual(line.proposed_level_id.name, "Defaults")
        self.assertIn("Index 100 - 70 = 30", line.proposal)

    def test_rejected_orders_are_a_record(self):
        """A customer who never got an invoice but whose orders finance rejected has a
        record: it is proposed from it, not left to be scored by hand."""
        prospect = self.env["res.partner"].create(
            {"name": "Rejected Prospect", "is_company": True, "credit_limit": 100.0}
        )
        order = self._order(prospect, 900.0, confirm=False)
        order.action_confirm()
        self.assertEqual(order.credit_hold_state, "held")
        self._answer(order, "reject", self.analyst)
        assessment = self._assessment(partner=prospect)
        self._to_review(assessment)
        line = assessment.line_ids.filtered(lambda li: li.kind == "history")
        self.assertIn("1 rejections x 10", line.proposal)
        self.assertEqual(line.proposed_level_id.name, "Minor incidents")

    def test_a_customer_without_record_is_scored_by_hand(self):
        stranger = self.env["res.partner"].create({"name": "Stranger", "is_company": True})
        assessment = self._assessment(partner=stranger)
        self._to_review(assessment)
        line = assessment.line_ids.filtered(lambda li: li.kind == "history")
        self.assertFalse(line.proposed_level_id)
        self.assertIn("score it by hand", line.proposal)

    # ------------------------------------------------------------------------------------------
    def test_submit_with_missing_documents_is_refused(self):
        assessment = self._assessment(documents=False)
        self.assertEqual(
            assessment.missing_document_type_ids, self.statements | self.bank_reference
        )
        with self.assertRaisesRegex(UserError, "Financial Statements, Bank Credit Reference"):
            self._submit(assessment)
        self.assertEqual(assessment.state, "draft")

        assessment.with_user(self.salesperson).write(
            {
                "document_ids": [
                    Command.create({"type_id": t.id, "file": PDF, "filename": "x.pdf"})
                    for t in (self.statements, self.bank_reference)
                ]
            }
        )
        self._submit(assessment)
        self.assertEqual(assessment.state, "submitted")
        self.assertEqual(assessment.submitted_by_id, self.salesperson)
        activity = assessment.activity_ids.filtered(
            lambda a: a.activity_type_id == self.assessment_type
        )
        self.assertEqual(activity.user_id, self.analyst)
        # a periodic review needs the statements only
        periodic = self._assessment(documents=False, type="periodic")
        self.assertEqual(periodic.missing_document_type_ids, self.statements)

    def test_whole_flow_updates_the_customer(self):
        assessment = self._assessment()
        self.assertEqual(len(assessment.line_ids), 4)
        self._to_review(assessment)
        self.assertEqual((assessment.state, assessment.reviewer_id), ("review", self.analyst))
        # no history in Odoo: the payment record is scored by hand
        payment_line = assessment.line_ids.filtered(lambda li: li.kind == "payment")
        self.assertIn("score it by hand", payment_line.proposal)

        self._score(assessment, ["Sound", "Good", "Clean", "Mostly on time"])
        # 30% x 70 + 20% x 70 + 20% x 100 + 30% x 70 = 76
        self.assertAlmostEqual(assessment.total_score, 76.0)
        self.assertEqual(assessment.proposed_rating_id, self.rating_b)
        self.assertEqual(assessment.proposed_limit, 25000.0)  # 5% of 500,000, under the cap
        assessment.with_user(self.analyst).write(
            {
                "approved_rating_id": self.rating_b.id,
                "approved_limit": 20000.0,
                "decision_reason": "The customer asked for 20,000 only.",
                "recommendation": "Approve the requested limit.",
                "report": "<p>Sound finances, clean history.</p>",
            }
        )
        assessment.with_user(self.analyst).action_approve()

        self.assertEqual(assessment.state, "approved")
        self.assertEqual(assessment.approved_by_id, self.analyst)
        partner = self.customer.with_company(self.company).with_user(self.auditor)
        self.assertEqual(partner.credit_limit, 20000.0)
        self.assertEqual(partner.credit_rating_id, self.rating_b)
        self.assertAlmostEqual(partner.credit_score, 76.0)
        self.assertEqual(partner.credit_status, "approved")
        self.assertEqual(partner.credit_assessment_id, assessment)
        self.assertEqual(partner.property_payment_term_id, self.rating_b.payment_term_id)
        # the shorter of the rating's 6 months and the company's 3
        self.assertEqual(partner.credit_next_review_date, self.today + relativedelta(months=3))
        message = self.customer.message_ids[:1]
        self.assertIn(assessment.name, message.body)
        self.assertIn("20,000.00", message.body)
        todo = assessment.activity_ids.filtered(lambda a: a.user_id == self.salesperson)
        self.assertIn("inform the customer", todo.summary)
        # the approval is kept as it was
        for user in (self.analyst, self.manager):
            with self.assertRaises(UserError):
                assessment.with_user(user).write({"approved_limit": 90000.0})
            with self.assertRaises(UserError):
                assessment.with_user(user).unlink()
        self.assertFalse(
            assessment.activity_ids.filtered(lambda a: a.activity_type_id == self.assessment_type)
        )

    def test_payment_record_is_proposed_from_real_history(self):
        def invoice(days_ago, due_after, amount):
            return self._invoice(self.customer, amount, days_ago=days_ago, due_in=due_after)

        on_time = invoice(100, 30, 100.0)
        self._pay_on(on_time, self.today - timedelta(days=75))
        ten_late = invoice(90, 30, 100.0)
        self._pay_on(ten_late, self.today - timedelta(days=50))
        twenty_late = invoice(60, 30, 100.0)
        self._pay_on(twenty_late, self.today - timedelta(days=10))
        invoice(50, 30, 300.0)  # unpaid, 20 days overdue
        invoice(5, 30, 999.0)  # not due yet: not counted
        invoice(400, 30, 50.0)  # older than 12 months

        assessment = self._assessment()
        self._to_review(assessment)
        self.assertEqual(assessment.history_invoice_count, 5)
        self.assertAlmostEqual(assessment.history_on_time_rate, 25.0)  # 1 of 4 paid or due
        self.assertAlmostEqual(assessment.history_avg_days_late, 10.0)  # (0 + 10 + 20) / 3
        self.assertEqual(assessment.history_largest_overdue, 300.0)
        line = assessment.line_ids.filtered(lambda li: li.kind == "payment")
        self.assertEqual(line.proposed_level_id.name, "Unreliable")  # index 25 - 10 = 15
        self.assertEqual(line.level_id, line.proposed_level_id)
        self.assertIn("25.0% paid on time", line.proposal)
        # finance may choose another level, with a reason only
        often_late = line.criterion_id.level_ids.filtered(lambda lv: lv.name == "Often late")
        with self.assertRaises(ValidationError):
            assessment.with_user(self.analyst).write(
                {"line_ids": [Command.update(line.id, {"level_id": often_late.id})]}
            )
        assessment.with_user(self.analyst).write(
            {
                "line_ids": [
                    Command.update(
                        line.id,
                        {"level_id": often_late.id, "override_reason": "Disputed invoice"},
                    )
                ]
            }
        )
        self.assertEqual(line.level_id, often_late)

    def test_rejection_and_resubmission(self):
        assessment = self._assessment()
        self._to_review(assessment)
        with self.assertRaisesRegex(UserError, "why it is rejected"):
            assessment.with_user(self.analyst).action_reject()
        assessment.with_user(self.analyst).finance_comment = "Send the 2025 statements."
        assessment.with_user(self.analyst).action_reject()
        self.assertEqual(assessment.state, "rejected")
        todo = assessment.activity_ids.filtered(lambda a: a.user_id == self.salesperson)
        self.assertTrue(todo)

        assessment.with_user(self.salesperson).write({"requested_limit": 15000.0})
        self._submit(assessment)
        self.assertEqual(assessment.state, "submitted")
        self.assertEqual(assessment.requested_limit, 15000.0)

    def test_salesperson_cannot_do_finance_steps(self):
        assessment = self._assessment()
        with self.assertRaises(AccessError):
            assessment.with_user(self.salesperson).write({"state": "approved"})
        self._submit(assessment)
        with self.assertRaises(AccessError):
            assessment.with_user(self.salesperson).action_start_review()
        with self.assertRaises(AccessError):
            assessment.with_user(self.salesperson).write({"approved_limit": 1e6})
        with self.assertRaises(UserError):  # submitted: finance's now
            assessment.with_user(self.salesperson).write({"requested_limit": 1e6})

    def test_segregation_of_duties_and_manager_threshold(self):
        # the analyst requests an assessment (analysts are salespeople too) and cannot approve it
        assessment = self._assessment(user=self.analyst)
        self._submit(assessment, self.analyst)
        assessment.with_user(self.analyst).action_start_review()
        self._score(assessment, ["Sound", "Good", "Clean", "Mostly on time"])
        assessment.with_user(self.analyst).write(
            {"approved_rating_id": self.rating_b.id, "approved_limit": 25000.0}
        )
        with self.assertRaisesRegex(AccessError, "submitted by you"):
            assessment.with_user(self.analyst).action_approve()

        self.company.credit_assessment_manager_amount = 10000.0
        with self.assertRaisesRegex(AccessError, "credit manager"):
            assessment.with_user(self.analyst_2).action_approve()
        assessment.with_user(self.manager).action_approve()
        self.assertEqual(assessment.state, "approved")

    def test_server_actions_run_from_the_action_menu_on_several_records(self):
        assessments = self._assessment() | self._assessment()
        submit = self.env.ref("credit_management.action_credit_assessment_submit")
        self.assertEqual(submit.binding_model_id.model, "credit.assessment")
        bound = (
            self.env["ir.actions.actions"]
            .with_user(self.salesperson)
            .get_bindings("credit.assessment")
        )
        self.assertIn(submit.id, [action["id"] for action in bound["action"]])

        def run(xmlid, user):
            return (
                self.env.ref(xmlid)
                .with_user(user)
                .with_context(active_model="credit.assessment", active_ids=assessments.ids)
                .run()
            )

        assessments.with_user(self.salesperson).document_ids.action_verify()
        run("credit_management.action_credit_assessment_submit", self.salesperson)
        self.assertEqual(assessments.mapped("state"), ["submitted", "submitted"])
        with self.assertRaises(AccessError):
            run("credit_management.action_credit_assessment_start_review", self.salesperson)
        run("credit_management.action_credit_assessment_start_review", self.analyst)
        self.assertEqual(assessments.mapped("state"), ["review", "review"])
        for assessment in assessments:
            assessment.with_user(self.analyst).finance_comment = "Not enough history."
        run("credit_management.action_credit_assessment_reject", self.analyst)
        self.assertEqual(assessments.mapped("state"), ["rejected", "rejected"])
        run("credit_management.action_credit_assessment_reset", self.salesperson)
        self.assertEqual(assessments.mapped("state"), ["draft", "draft"])

    def test_new_customer_rule_holds_orders_until_assessed(self):
        self.company.write(
            {
                "credit_new_customer_rule": "block",
                "credit_new_customer_amount": 500.0,
                "credit_controller_id": self.analyst.id,
            }
        )
        newcomer = self.env["res.partner"].create({"name": "Newcomer", "credit_limit": 1000.0})
        big_first = self._order(newcomer, 900.0, confirm=False)  # above the allowance
        big_first.action_confirm()
        self.assertIn("new_customer", big_first.credit_hold_rules)
        first = self._order(self.customer, 400.0)  # a first order under the allowance
        self.assertEqual(first.state, "sale")
        second = self._order(self.customer, 400.0, confirm=False)
        second.action_confirm()
        self.assertEqual(second.credit_hold_rules, "new_customer")
        self.assertIn("no approved credit assessment", second.credit_hold_message)

        assessment = self._assessment(requested_limit=5000.0)
        self._to_review(assessment)
        self._score(assessment, ["Sound", "Good", "Clean", "Mostly on time"])
        assessment.with_user(self.analyst).write(
            {
                "approved_rating_id": self.rating_b.id,
                "approved_limit": 5000.0,
                "decision_reason": "The requested limit",
            }
        )
        assessment.with_user(self.analyst).action_approve()
        second.action_confirm()
        self.assertEqual(second.state, "sale")

        self.company.credit_new_customer_rule = "warn"
        order = self._order(newcomer, 900.0)
        self.assertEqual(order.state, "sale")
        self.assertIn("No approved credit assessment", order.message_ids[:1].body)

    def test_rating_policies_and_overdue_review_are_rules(self):
        partner = self.customer.with_company(self.company)
        partner.with_user(self.analyst).credit_rating_id = self.env.ref(
            "credit_management.rating_d"
        )
        order = self._order(self.customer, 100.0, confirm=False)
        order.action_confirm()
        self.assertEqual(order.credit_hold_rules, "rating_policy")
        self.assertIn("paid in full in advance", order.credit_hold_message)

        partner.with_user(self.analyst).write(
            {
                "credit_rating_id": self.rating_b.id,
                "credit_next_review_date": self.today - timedelta(days=10),
            }
        )
        self.company.write({"credit_review_overdue_rule": "block", "credit_review_grace_days": 5})
        late = self._order(self.customer, 100.0, confirm=False)
        late.action_confirm()
        self.assertEqual(late.credit_hold_rules, "review_overdue")
        self.company.credit_review_grace_days = 15
        late.action_confirm()
        self.assertEqual(late.state, "sale")

    def test_scorecard_weights_and_rating_bands_are_checked(self):
        with self.assertRaisesRegex(ValidationError, "add up to 90"):
            self.env["credit.scorecard"].with_user(self.manager).create(
                {
                    "name": "Bad weights",
                    "criterion_ids": [
                        Command.create({"name": "A", "weight": 60}),
                        Command.create({"name": "B", "weight": 30}),
                    ],
                }
            )
        # grades start at their own score and one starts at 0 (bands never overlap nor leave
        # a gap: each runs up to the next grade)
        with self.assertRaisesRegex(ValidationError, "both start at"):
            self.env["credit.rating"].with_user(self.manager).create({"name": "X", "min_score": 60})
        with self.assertRaisesRegex(ValidationError, "no rating"):
            self.env.ref("credit_management.rating_e").with_user(self.manager).min_score = 15
        with self.assertRaises(ValidationError):
            self.env["credit.rating"].with_user(self.manager).create(
                {"name": "Y", "min_score": 120}
            )

    def test_request_from_the_opportunity_and_the_customer(self):
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesperson)
            .create(
                {
                    "name": "Expansion",
                    "type": "opportunity",
                    "partner_id": self.customer_contact.id,
                    "expected_revenue": 12000.0,
                }
            )
        )
        action = lead.action_request_credit_assessment()
        assessment = (
            self.env["credit.assessment"]
            .with_user(self.salesperson)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(assessment.partner_id, self.customer)
        self.assertEqual(assessment.lead_id, lead)
        self.assertEqual(assessment.requested_limit, 12000.0)
        self.assertEqual(assessment.type, "new")
        self.assertEqual(assessment.user_id, self.salesperson)

        action = self.customer.with_user(self.salesperson).action_request_credit_assessment()
        self.assertEqual(action["context"]["default_requested_limit"], 2500.0)
        self.assertEqual(self.customer.with_user(self.salesperson).credit_assessment_count, 1)

    def test_salespeople_see_only_the_assessments_they_handle(self):
        other = new_test_user(
            self.env, login="other_sales", groups="sales_team.group_sale_salesman"
        )
        mine = self._assessment()
        theirs = self._assessment(user=other)
        Assessment = self.env["credit.assessment"]
        self.assertEqual(Assessment.with_user(self.salesperson).search([]), mine)
        self.assertEqual(Assessment.with_user(self.analyst).search([]), mine | theirs)
        self.assertEqual(Assessment.with_user(self.auditor).search([]), mine | theirs)
        with self.assertRaises(AccessError):
            mine.with_user(self.auditor).write({"sales_comment": "x"})
        with self.assertRaises(AccessError):
            Assessment.with_user(self.internal_user).search([])
