import base64

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import CreditCommon

PDF = base64.b64encode(b"%PDF-1.4 statements of the customer")


@tagged("post_install", "-at_install")
class TestAssessmentDecision(CreditCommon):
    """What finance approves is what finance sees; an approved assessment is kept as it was;
    sales cannot write finance's part; documents show and download under their names; the
    rating scale and the scorecards stay whole whatever path changes them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"credit_controller_id": cls.analyst.id, "credit_review_months": 3})
        cls.statements = cls.env.ref("credit_management.document_type_financial_statements")
        cls.bank_reference = cls.env.ref("credit_management.document_type_bank_reference")
        cls.rating_a = cls.env.ref("credit_management.rating_a")
        cls.rating_d = cls.env.ref("credit_management.rating_d")
        cls.scorecard = cls.env.ref("credit_management.scorecard_default")
        cls.approver = cls._credit_user("credit_approver", "credit_management.group_credit_analyst")

    def _assessment(self, **vals):
        return (
            self.env["credit.assessment"]
            .with_user(self.salesperson)
            .create(
                {
                    "partner_id": self.customer.id,
                    "type": "new",
                    "requested_limit": 80000.0,
                    "annual_revenue": 800000.0,
                    "document_ids": [
                        Command.create({"type_id": t.id, "file": PDF, "filename": "doc.pdf"})
                        for t in (self.statements, self.bank_reference)
                    ],
                }
                | vals
            )
        )

    def _in_review(self):
        assessment = self._assessment()
        self._submit(assessment)
        assessment.with_user(self.analyst).action_start_review()
        return assessment.with_user(self.analyst)

    def _levels(self, assessment, rank):
        """Commands scoring every criterion at the level of that rank (0: the best)."""
        return [
            Command.update(
                line.id,
                {"level_id": line.criterion_id.level_ids.sorted("score", reverse=True)[rank].id},
            )
            for line in assessment.line_ids
        ]

    # ------------------------------------------------------------------------------------------
    def test_approval_writes_what_the_scores_propose(self):
        """Scored low first, then high: the decision follows the last scores (97 -> A)."""
        assessment = self._in_review()
        form = Form(assessment.with_user(self.analyst))
        for index in range(len(form.line_ids)):
            with form.line_ids.edit(index) as line:
                levels = line.criterion_id.level_ids.sorted("score")
                line.level_id = levels[0]
        self.assertEqual(form.approved_rating_id.policy, "blocked")
        for index in range(len(form.line_ids)):
            with form.line_ids.edit(index) as line:
                levels = line.criterion_id.level_ids.sorted("score", reverse=True)
                line.level_id = levels[0]
        form.save()
        self.assertEqual(assessment.proposed_rating_id, self.rating_a)
        self.assertEqual(assessment.approved_rating_id, self.rating_a)
        self.assertEqual(assessment.approved_limit, 80000.0)  # 10% of 800,000
        self.assertFalse(assessment.decision_overridden)
        result = assessment.with_user(self.approver).action_approve()
        self.assertIn("A", result["params"]["message"])
        partner = self.customer.with_user(self.auditor)
        self.assertEqual(partner.credit_rating_id, self.rating_a)
        self.assertEqual(partner.credit_limit, 80000.0)
        self.assertEqual(partner.property_payment_term_id, self.rating_a.payment_term_id)

    def test_finance_changes_the_proposal_only_with_a_reason(self):
        assessment = self._in_review()
        assessment.with_user(self.analyst).write({"line_ids": self._levels(assessment, 0)})
        self.assertEqual(assessment.approved_limit, 80000.0)
        assessment.with_user(self.analyst).approved_limit = 50000.0
        self.assertTrue(assessment.decision_overridden)
        self.assertTrue(assessment.decision_differs)
        # a later score no longer moves finance's own figure
        assessment.with_user(self.analyst).write({"line_ids": self._levels(assessment, 1)})
        self.assertEqual(assessment.approved_limit, 50000.0)
        with self.assertRaisesRegex(UserError, "Why Not the Proposal"):
            assessment.with_user(self.approver).action_approve()
        assessment.with_user(self.analyst).decision_reason = "Young company: start lower"
        assessment.with_user(self.approver).action_approve()
        self.assertEqual(self.customer.sudo().credit_limit, 50000.0)
        # back to the proposal, on another assessment
        other = self._in_review()
        other.with_user(self.analyst).write({"line_ids": self._levels(other, 0)})
        other.with_user(self.analyst).approved_limit = 1.0
        other.with_user(self.analyst).action_follow_proposal()
        self.assertEqual(other.approved_limit, 80000.0)

    def test_approved_assessment_lines_and_documents_are_locked(self):
        assessment = self._in_review()
        assessment.with_user(self.analyst).write({"line_ids": self._levels(assessment, 0)})
        assessment.with_user(self.approver).action_approve()
        total = assessment.total_score
        line = assessment.line_ids[:1]
        worst = line.criterion_id.level_ids.sorted("score")[:1]
        for user in (self.analyst, self.manager):
            with self.assertRaises(UserError):
                line.with_user(user).write({"level_id": worst.id})
            with self.assertRaises(UserError):
                line.with_user(user).unlink()
            with self.assertRaises(UserError):
                assessment.document_ids[:1].with_user(user).unlink()
            with self.assertRaises(UserError):
                assessment.document_ids[:1].with_user(user).write({"name": "replaced"})
            with self.assertRaises(UserError):
                self.env["credit.assessment.document"].with_user(user).create(
                    {"assessment_id": assessment.id, "type_id": self.statements.id, "file": PDF}
                )
        self.assertEqual(assessment.total_score, total)
        self.assertEqual(len(assessment.document_ids), 2)

    def test_salesperson_cannot_create_finance_part(self):
        for vals in (
            {"approved_limit": 1000000.0},
            {"approved_rating_id": self.rating_a.id},
            {"finance_comment": "Approved by finance"},
            {"recommendation": "Approve"},
            {"state": "approved"},
        ):
            with self.assertRaises(AccessError):
                self._assessment(**vals)
        assessment = self._assessment()
        with self.assertRaises(AccessError):
            assessment.line_ids[:1].with_user(self.salesperson).write(
                {"level_id": assessment.line_ids[:1].criterion_id.level_ids[:1].id}
            )

    def test_documents_show_and_download_under_their_names(self):
        assessment = self._assessment(
            document_ids=[Command.create({"type_id": self.statements.id, "file": PDF})]
        )
        document = assessment.document_ids
        self.assertEqual(document.filename, "Financial Statements.pdf")
        self.assertEqual(document.display_name, "Financial Statements.pdf")
        assessment.with_user(self.salesperson).write(
            {
                "document_ids": [
                    Command.create(
                        {"type_id": self.bank_reference.id, "file": PDF, "filename": "bank.pdf"}
                    )
                ]
            }
        )
        self._submit(assessment)
        # after submission the salesperson no longer reads the documents, and nothing says
        # they are missing
        salesperson_view = assessment.with_user(self.salesperson)
        self.assertFalse(salesperson_view.missing_document_type_ids)
        self.assertEqual(salesperson_view.document_count, 2)
        # finance reads them under their names (downloads: test_credit_download)
        self.assertEqual(document.with_user(self.analyst).filename, "Financial Statements.pdf")

    # ------------------------------------------------------------------------------------------
    # The rating scale and the scorecards
    # ------------------------------------------------------------------------------------------
    def test_rating_scale_keeps_every_score_graded(self):
        Rating = self.env["credit.rating"].with_user(self.manager)
        rating_e = self.env.ref("credit_management.rating_e")
        self.assertEqual(self.rating_a.max_score, 100.0)
        self.assertEqual(self.rating_d.max_score, 40.0)
        with self.assertRaisesRegex(ValidationError, "no rating"):
            rating_e.with_user(self.manager).unlink()
        with self.assertRaisesRegex(ValidationError, "no rating"):
            rating_e.with_user(self.manager).active = False
        with self.assertRaisesRegex(ValidationError, "no rating"):
            rating_e.with_user(self.manager).min_score = 5
        with self.assertRaisesRegex(ValidationError, "both start at"):
            Rating.create({"name": "X", "min_score": 60})
        with self.assertRaises(ValidationError):
            Rating.create({"name": "Y", "min_score": 120})
        # deleting a grade hands its band to the grade below: no score is left without one
        self.rating_d.with_user(self.manager).unlink()
        self.assertEqual(rating_e.max_score, 40.0)
        self.assertEqual(Rating._for_score(30.0, self.company), rating_e)
        # a new grade splits a band
        a_plus = Rating.create({"name": "A+", "min_score": 95})
        self.assertEqual(self.rating_a.max_score, 95.0)
        self.assertEqual(Rating._for_score(97.0, self.company), a_plus)
        self.assertEqual(Rating._for_score(100.0, self.company), a_plus)

    def test_scorecard_weights_hold_on_every_path(self):
        scorecard = (
            self.env["credit.scorecard"]
            .with_user(self.manager)
            .create(
                {
                    "name": "Distributors",
                    "criterion_ids": [
                        Command.create({"name": "Finance", "weight": 60}),
                        Command.create({"name": "Payments", "weight": 40}),
                    ],
                }
            )
        )
        first, second = scorecard.criterion_ids
        Criterion = self.env["credit.scorecard.criterion"].with_user(self.manager)
        with self.assertRaisesRegex(ValidationError, "add up to"):
            first.with_user(self.manager).weight = 70
        with self.assertRaisesRegex(ValidationError, "add up to"):
            second.with_user(self.manager).unlink()
        with self.assertRaisesRegex(ValidationError, "add up to"):
            Criterion.create({"scorecard_id": scorecard.id, "name": "Extra", "weight": 5})
        # through the scorecard, several criteria change together
        scorecard.with_user(self.manager).write(
            {
                "criterion_ids": [
                    Command.update(first.id, {"weight": 55}),
                    Command.update(second.id, {"weight": 45}),
                ]
            }
        )
        self.assertEqual(scorecard.total_weight, 100.0)

    def test_finance_requests_an_assessment_in_the_form(self):
        action = self.customer.with_user(self.analyst).action_request_credit_assessment()
        form = Form(
            self.env["credit.assessment"].with_user(self.analyst).with_context(**action["context"])
        )
        form.requested_limit = 5000.0
        assessment = form.save()
        self.assertEqual(assessment.scorecard_id, self.scorecard)
        self.assertFalse(assessment.approved_rating_id)

    def test_a_typed_decision_survives_a_later_score_in_the_form(self):
        assessment = self._in_review()
        form = Form(assessment)
        form.approved_limit = 12345.0
        with form.line_ids.edit(0) as line:
            line.level_id = line.criterion_id.level_ids.sorted("score")[0]
        self.assertEqual(form.approved_limit, 12345.0)
        form.decision_reason = "Start low"
        form.save()
        self.assertEqual(assessment.approved_limit, 12345.0)
        self.assertTrue(assessment.decision_overridden)

    def test_unscored_criteria_propose_nothing_and_block_approval(self):
        assessment = self._in_review()
        self.assertFalse(assessment.proposed_rating_id)
        self.assertFalse(assessment.approved_rating_id)
        first = assessment.line_ids[:1]
        first.level_id = first.criterion_id.level_ids[:1]
        self.assertFalse(assessment.proposed_rating_id)
        with self.assertRaisesRegex(UserError, "Score every criterion"):
            assessment.with_user(self.approver).action_approve()
