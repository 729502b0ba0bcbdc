import base64
from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import tagged

from .common import ReportCommon

PDF = base64.b64encode(b"%PDF-1.4 credit document")


class FinanceReportCommon(ReportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "credit_controller_id": cls.analyst.id,
                "credit_release_manager_amount": 100000.0,
                "credit_assessment_manager_amount": 0.0,
            }
        )
        cls.customer.user_id = cls.salesperson
        cls.period = {"date_from": cls.today.replace(day=1), "date": cls.today}

    @classmethod
    def _approved_assessment(cls, partner, approver, salesperson=None):
        """An assessment sales submits with its documents and ``approver`` scores at the
        highest level of each criterion and approves."""
        types = cls.env["credit.document.type"].search([])
        assessment = (
            cls.env["credit.assessment"]
            .with_user(cls.salesperson)
            .create(
                {
                    "partner_id": partner.id,
                    "type": "new",
                    "requested_limit": 20000.0,
                    "annual_revenue": 800000.0,
                    "document_ids": [
                        Command.create({"type_id": t.id, "file": PDF, "filename": "doc.pdf"})
                        for t in types
                    ],
                }
            )
        )
        if salesperson:
            assessment.sudo().user_id = salesperson
        cls._submit(assessment)
        assessment.with_user(approver).action_start_review()
        for line in assessment.line_ids:
            level = line.criterion_id.level_ids.sorted("score")[-1]
            vals = {"level_id": level.id}
            if line.proposed_level_id and line.proposed_level_id != level:
                vals["override_reason"] = "Checked with the bank"
            line.with_user(approver).write(vals)
        assessment.with_user(approver).action_approve()
        return assessment

    def _held(self, amount, partner=None):
        order = self._order(partner or self.customer, amount, confirm=False)
        order.user_id = self.salesperson
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.credit_hold_state, "held")
        return order


@tagged("post_install", "-at_install")
class TestAssessmentRegister(FinanceReportCommon):
    """The assessment register: each assessment of the period with its people, dates,
    scores per criterion, total, ratings, limits and terms; finance and audit only."""

    def test_register_lists_the_assessment_with_its_scores(self):
        assessment = self._approved_assessment(self.customer, self.analyst)
        draft = self.env["credit.assessment"].create(
            {"partner_id": self.customer.id, "type": "periodic"}
        )
        _sheet, rows = self._report(self.auditor, "action_export_assessments", **self.period)
        rows = self._customer_rows(rows)
        self.assertEqual([row["Assessment"] for row in rows], [assessment.name, draft.name])
        row = rows[0]
        self.assertEqual(row["Submitted By"], self.salesperson.name)
        self.assertEqual(row["Approved or Rejected By"], self.analyst.name)
        self.assertEqual(row["State"], "Approved")
        self.assertEqual(row["Approved Rating"], assessment.approved_rating_id.name)
        self.assertAlmostEqual(row["Total Score"], assessment.total_score)
        self.assertAlmostEqual(row["Approved Limit"], assessment.approved_limit)
        for line in assessment.line_ids:
            self.assertAlmostEqual(row[line.criterion_id.name], line.score)
        self.assertEqual(row["Rating"], assessment.approved_rating_id.name)

    def test_rejection_names_who_rejected(self):
        assessment = (
            self.env["credit.assessment"]
            .with_user(self.salesperson)
            .create(
                {
                    "partner_id": self.customer.id,
                    "type": "new",
                    "requested_limit": 5000.0,
                    "document_ids": [
                        Command.create({"type_id": t.id, "file": PDF, "filename": "doc.pdf"})
                        for t in self.env["credit.document.type"].search([])
                    ],
                }
            )
        )
        self._submit(assessment)
        assessment.with_user(self.analyst).finance_comment = "Statements are two years old"
        assessment.with_user(self.analyst).action_reject()
        self.assertEqual(assessment.rejected_by_id, self.analyst)
        _sheet, rows = self._report(self.analyst, "action_export_assessments", **self.period)
        row = self._customer_rows(rows)[0]
        self.assertEqual(row["State"], "Rejected")
        self.assertEqual(row["Approved or Rejected By"], self.analyst.name)

    def test_outside_the_period_is_left_out(self):
        self._approved_assessment(self.customer, self.analyst)
        yesterday = self.today - timedelta(days=1)
        _sheet, rows = self._report(
            self.analyst,
            "action_export_assessments",
            date_from=yesterday - timedelta(days=30),
            date=yesterday,
        )
        self.assertEqual(self._customer_rows(rows), [])

    def test_salesperson_may_not_run_it(self):
        wizard = self.env["credit.report.wizard"].with_user(self.salesperson).create(self.period)
        with self.assertRaises(AccessError):
            wizard.action_export_assessments()
        with self.assertRaises(AccessError):
            wizard._report_file("assessments")

    def test_period_must_end_after_it_starts(self):
        wizard = (
            self.env["credit.report.wizard"]
            .with_user(self.analyst)
            .create({"date_from": self.today, "date": self.today - timedelta(days=1)})
        )
        with self.assertRaisesRegex(UserError, "first day of the period"):
            wizard.action_export_assessments()


@tagged("post_install", "-at_install")
class TestHoldsAndReleases(FinanceReportCommon):
    """Holds and releases of a period: each answer with the figures it was given on, who,
    why and how long the document waited; documents still waiting."""

    def test_released_rejected_and_waiting(self):
        self.customer.credit_limit = 1000.0
        released = self._held(1500.0)
        rejected = self._held(2500.0)
        waiting = self._held(1800.0)
        self._answer(released, "release", self.analyst, "Paid by transfer today")
        self._answer(rejected, "reject", self.analyst, "Too far over")
        _sheet, rows = self._report(self.auditor, "action_export_holds", **self.period)
        rows = {row["Document"]: row for row in self._customer_rows(rows)}
        self.assertEqual(set(rows), {released.name, rejected.name, waiting.name})
        row = rows[released.name]
        self.assertEqual(row["Answer"], "Released")
        self.assertEqual(row["Answered By"], self.analyst.name)
        self.assertEqual(row["Reason"], "Paid by transfer today")
        self.assertAlmostEqual(row["Amount"], 1500.0)
        self.assertAlmostEqual(row["Credit Limit"], 1000.0)
        self.assertAlmostEqual(row["Excess over Limit"], 500.0)
        release = released.credit_release_ids
        wizard = self.env["credit.report.wizard"].with_user(self.auditor)
        self.assertEqual(row["Held On"], wizard._when(release.hold_date))
        self.assertGreaterEqual(row["Days to Answer"], 0.0)
        self.assertEqual(rows[rejected.name]["Answer"], "Rejected")
        self.assertEqual(rows[waiting.name]["Answer"], "Waiting")
        self.assertEqual(rows[waiting.name]["Answered On"], "")
        # the released order now counts in the exposure: 1,500 + 1,800 over 1,000
        self.assertAlmostEqual(rows[waiting.name]["Excess over Limit"], 2300.0)
        self.assertIn("limit", rows[waiting.name]["Rules Fired"].lower())


@tagged("post_install", "-at_install")
class TestComplianceExceptions(FinanceReportCommon):
    """Compliance exceptions: each check finds the breach the test seeds, and nothing on a
    customer whose credit was granted by the book."""

    def _exceptions(self, user=None, **values):
        _sheet, rows = self._report(
            user or self.auditor, "action_export_compliance", **(self.period | values)
        )
        return [(row["Customer"], row["Exception"]) for row in self._customer_rows(rows)]

    def test_clean_customer_has_no_exception(self):
        clean = self.env["res.partner"].create({"name": "Clean Customer", "is_company": True})
        self._approved_assessment(clean, self.analyst)
        self._order(clean, 500.0)
        self.assertEqual(self._exceptions(partner_ids=[Command.set(clean.ids)]), [])

    def test_each_check_finds_its_breach(self):
        Partner = self.env["res.partner"]
        no_file = Partner.create({"name": "A No File", "is_company": True, "credit_limit": 5000})
        late = Partner.create({"name": "B Late Review", "is_company": True})
        self._approved_assessment(late, self.analyst)
        late.with_company(self.company).sudo().credit_next_review_date = self.today - timedelta(
            days=3
        )
        self_approved = Partner.create(
            {"name": "C Self Approved", "is_company": True, "user_id": self.manager.id}
        )
        self._approved_assessment(self_approved, self.manager, salesperson=self.manager)
        over = Partner.create({"name": "D Over", "is_company": True})
        self._approved_assessment(over, self.analyst)
        over.with_user(self.analyst).with_context(credit_change_reason="Shrunk").credit_limit = 100
        order = self._held(900.0, partner=over)
        self._answer(order, "release", self.analyst, "Director's customer")
        blocked = Partner.create({"name": "E Blocked", "is_company": True})
        self._approved_assessment(blocked, self.analyst)
        confirmed = self._order(blocked, 300.0)
        blocked.with_user(self.analyst).write(
            {"credit_status": "blocked", "credit_hold_reason": "Insolvency filed"}
        )
        # the block is dated before the confirmation: the order went through while blocked
        for status, before in (("approved", timedelta(days=1)), ("blocked", timedelta(minutes=5))):
            self.env.cr.execute(
                "UPDATE credit_history SET date = %s WHERE partner_id = %s AND kind = 'status' "
                "AND new_status = %s",
                (confirmed.date_order - before, blocked.id, status),
            )
        self.env["credit.history"].invalidate_model()
        found = self._exceptions(
            partner_ids=[Command.set((no_file | late | self_approved | over | blocked).ids)]
        )
        self.assertIn(("A No File", "Credit without an assessment"), found)
        self.assertIn(("B Late Review", "Review overdue"), found)
        self.assertIn(("C Self Approved", "Approved by its submitter or salesperson"), found)
        self.assertIn(("D Over", "Released above the limit"), found)
        self.assertIn(("D Over", "Limit changed without an assessment or meeting decision"), found)
        self.assertIn(("E Blocked", "Confirmed while on hold or blocked"), found)
        self.assertEqual(
            sorted({name for name, _check in found}),
            ["A No File", "B Late Review", "C Self Approved", "D Over", "E Blocked"],
        )
        # the analyst's own limit change is the only exception of B, C and E's assessments
        self.assertNotIn(("E Blocked", "Credit without an assessment"), found)

    def test_release_by_the_seller(self):
        self.customer.credit_limit = 1000.0
        order = self._order(self.customer, 1500.0, confirm=False)
        order.user_id = self.analyst
        order.with_user(self.analyst).action_confirm()
        self.assertEqual(order.credit_hold_state, "held")
        self._answer(order, "release", self.analyst)
        found = self._exceptions(partner_ids=[Command.set(self.customer.ids)])
        self.assertIn(("Credit Customer", "Released by its salesperson"), found)
