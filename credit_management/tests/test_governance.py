from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..models.credit_guarded import credit_workflow
from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestGovernance(CreditCommon):
    """Chapters 5 and 6: policy versions (P6.1, P6.3, P6.4), credit meetings (P5.2.1),
    internal audit (P5.1.3) and improvement (P5.2.2), as management, credit manager,
    analyst, salesperson and auditor."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.board = cls._credit_user("credit_board", "credit_management.group_credit_board")
        cls.company.write(
            {
                "credit_meeting_chair_id": cls.board.id,
                "credit_meeting_release_amount": 0.0,
                "credit_policy_reminder_days": 7,
            }
        )
        cls.Policy = cls.env["credit.policy"]

    def _policy(self, version="1.0", user=None):
        return (
            self.Policy.with_user(user or self.manager)
            .create(
                {
                    "version": version,
                    "body": "<p>Every customer on credit is assessed.</p>",
                    "change_summary": "First version",
                }
            )
            .with_user(user or self.manager)
        )

    def _published(self, version="1.0"):
        policy = self._policy(version)
        policy.action_propose()
        policy.with_user(self.board).action_approve()
        policy.with_user(self.board).action_publish()
        return policy

    # -- policy versions ---------------------------------------------------------------------
    def test_a_version_is_proposed_approved_published_acknowledged_and_reminded(self):
        policy = self._policy()
        # drafts are management's: salespeople do not see them, nor write any
        self.assertFalse(self.Policy.with_user(self.salesperson).search([("id", "=", policy.id)]))
        with self.assertRaises(AccessError):
            self._policy("0.9", user=self.salesperson)
        policy.action_propose()
        self.assertEqual(policy.state, "proposed")
        # the board approves: neither the analyst nor the credit manager
        with self.assertRaises(AccessError):
            policy.with_user(self.analyst).action_approve()
        with self.assertRaises(AccessError):
            policy.action_approve()
        policy.with_user(self.board).action_approve()
        self.assertEqual(policy.approved_by_id, self.board)
        with self.assertRaises(UserError):
            policy.write({"body": "<p>Changed after approval</p>"})
        with self.assertRaises(AccessError):  # the workflow's fields are its own
            policy.write({"state": "published"})
        policy.with_user(self.board).action_publish()
        self.assertEqual((policy.state, policy.effective_date), ("published", self.today))
        self.assertEqual(self.Policy._in_force(self.company), policy)

        # every sales, finance and audit user is asked to acknowledge it
        acknowledgements = policy.acknowledgement_ids
        for user in (self.salesperson, self.analyst, self.manager, self.auditor, self.board):
            self.assertIn(user, acknowledgements.user_id)
        self.assertNotIn(self.internal_user, acknowledgements.user_id)
        self.assertTrue(policy.activity_ids.filtered(lambda a: a.user_id == self.salesperson))
        mine = policy.with_user(self.salesperson)
        self.assertTrue(mine.to_acknowledge)
        self.assertIn("Every customer on credit", mine.body)
        mine.action_acknowledge()
        acknowledged = acknowledgements.filtered(lambda a: a.user_id == self.salesperson)
        self.assertEqual(acknowledged.state, "done")
        self.assertTrue(acknowledged.date)
        self.assertFalse(policy.activity_ids.filtered(lambda a: a.user_id == self.salesperson))
        with self.assertRaises(UserError):
            mine.action_acknowledge()
        with self.assertRaises(AccessError):  # kept as written
            acknowledged.with_user(self.manager).write({"state": "pending"})

        # a salesperson who joins after the publication is asked too
        newcomer = self._credit_user("credit_newcomer", "sales_team.group_sale_salesman")
        # a week later, whoever has not acknowledged is reminded, once a week
        self.env.cr.execute(
            "UPDATE credit_policy_acknowledgement SET create_date = %s WHERE policy_id = %s",
            [fields.Datetime.now() - timedelta(days=8), policy.id],
        )
        self.env.invalidate_all()
        self.Policy._cron_remind()
        reminder = self.env["mail.message"].search(
            [
                ("model", "=", "credit.policy"),
                ("res_id", "=", policy.id),
                ("body", "ilike", "not yet acknowledged"),
            ]
        )
        self.assertEqual(len(reminder), 1)
        self.assertIn(self.analyst.partner_id, reminder.partner_ids)
        self.assertNotIn(self.salesperson.partner_id, reminder.partner_ids)
        self.assertEqual(
            acknowledgements.filtered(lambda a: a.user_id == self.analyst).reminder_count, 1
        )
        self.Policy._cron_remind()
        self.assertEqual(
            acknowledgements.filtered(lambda a: a.user_id == self.analyst).reminder_count, 1
        )
        self.assertIn(newcomer, policy.acknowledgement_ids.user_id)
        self.assertTrue(policy.activity_ids.filtered(lambda a: a.user_id == newcomer))

        # the next version supersedes it
        second = self._published("2.0")
        self.assertEqual(policy.state, "superseded")
        self.assertEqual(second.previous_id, policy)
        self.assertEqual(self.Policy._in_force(self.company), second)

    def test_decisions_record_the_policy_in_force(self):
        policy = self._published()
        self.customer.sudo().credit_limit = 100.0
        order = self._order(self.customer, 500.0, confirm=False)
        order.action_confirm()
        self.assertEqual(order.credit_hold_state, "held")
        release = self._answer(order, "release", self.manager)
        self.assertEqual(order.sudo().credit_release_ids.policy_id, policy)
        self.assertTrue(release)

    # -- credit meetings ---------------------------------------------------------------------
    def _meeting(self, user=None, **values):
        return (
            self.env["credit.meeting"]
            .with_user(user or self.manager)
            .create({"date": fields.Datetime.now()} | values)
        )

    def test_the_agenda_lists_the_right_customers_and_a_limit_decision_is_applied(self):
        Partner = self.env["res.partner"]
        over = self.customer  # limit 2,500
        self._invoice(over, 3000.0)
        near = Partner.create({"name": "Near Co", "is_company": True, "credit_limit": 1000.0})
        self._invoice(near, 900.0)
        calm = Partner.create({"name": "Calm Co", "is_company": True, "credit_limit": 10000.0})
        self._invoice(calm, 100.0)
        watched = Partner.create({"name": "Watch Co", "is_company": True, "credit_limit": 500.0})
        watched.with_user(self.analyst)._credit_set_status("watch", "Late payments")
        late_review = Partner.create({"name": "Review Co", "is_company": True})
        late_review.with_company(self.company).sudo().credit_next_review_date = (
            self.today - timedelta(days=3)
        )
        event = self.env["credit.event"].create(
            {"name": "Cheque returned", "partner_id": calm.id, "severity": "high"}
        )

        meeting = self._meeting()
        agenda = {(line.kind, line.partner_id) for line in meeting.agenda_ids}
        # the agenda is the managers' to rebuild: not the analyst's nor the auditor's
        for user in (self.analyst, self.auditor):
            with self.assertRaises(AccessError):
                meeting.with_user(user).action_refresh_agenda()
        meeting.action_refresh_agenda()
        self.assertIn(("over_limit", over), agenda)
        self.assertIn(("near_limit", near), agenda)
        self.assertIn(("watch", watched), agenda)
        self.assertIn(("review_overdue", late_review), agenda)
        self.assertIn(("event", calm), agenda)
        self.assertNotIn(calm, meeting.agenda_ids.filtered(lambda a: a.kind != "event").partner_id)
        self.assertEqual(meeting.agenda_ids.filtered(lambda a: a.kind == "event").res_ref, event)
        self.assertTrue(meeting.activity_ids.filtered(lambda a: a.user_id == self.board))

        # the meeting decides a new limit and an action item; the chair approves
        decisions = self.env["credit.meeting.decision"].with_user(self.manager)
        limit = decisions.create(
            {
                "meeting_id": meeting.id,
                "kind": "limit",
                "partner_id": over.id,
                "new_limit": 4000.0,
                "description": "Raise to cover the seasonal peak",
            }
        )
        action = decisions.create(
            {
                "meeting_id": meeting.id,
                "kind": "action",
                "partner_id": near.id,
                "description": "Call the buyer about the next orders",
                "owner_id": self.salesperson.id,
                "deadline": self.today + timedelta(days=7),
            }
        )
        with self.assertRaises(ValidationError):
            decisions.create({"meeting_id": meeting.id, "kind": "limit", "description": "?"})
        with self.assertRaises(UserError):  # held first
            meeting.with_user(self.board).action_approve_decisions()
        meeting.action_held()
        with self.assertRaises(AccessError):  # neither the analyst nor a manager
            meeting.with_user(self.analyst).action_approve_decisions()
        with self.assertRaises(AccessError):
            meeting.action_approve_decisions()
        with self.assertRaises(ValidationError):  # nor one made chair
            self._meeting(chair_id=self.manager.id)
        with self.assertRaises(UserError):  # the chair of a meeting held stays
            meeting.write({"chair_id": self.board.id})
        meeting.with_user(self.board).action_approve_decisions()
        self.assertEqual(meeting.state, "closed")
        self.assertEqual(over.with_company(self.company).sudo().credit_limit, 4000.0)
        self.assertEqual(limit.state, "applied")
        history = self.env["credit.history"].search(
            [("partner_id", "=", over.id), ("kind", "=", "limit")], order="id desc", limit=1
        )
        self.assertEqual(history.meeting_decision_id, limit)
        self.assertIn("Raise to cover the seasonal peak", history.reason)
        self.assertEqual(history.user_id, self.board)
        # the action item is the owner's activity, and comes back at the next meeting
        self.assertEqual(action.state, "open")
        self.assertTrue(action.activity_ids.filtered(lambda a: a.user_id == self.salesperson))
        with self.assertRaises(UserError):
            limit.with_user(self.manager).write({"new_limit": 1.0})
        following = self._meeting(date=fields.Datetime.now() + timedelta(days=30))
        self.assertEqual(following.previous_id, meeting)
        items = following.agenda_ids.filtered(lambda a: a.kind == "action")
        self.assertEqual(items.res_ref, action)
        # the salesperson sees and closes their action item, nothing else of the meeting
        mine = self.env["credit.meeting.decision"].with_user(self.salesperson).search([])
        self.assertEqual(mine, action)
        with self.assertRaises(AccessError):
            self.env["credit.meeting"].with_user(self.salesperson).search([])
        action.with_user(self.salesperson).action_done()
        self.assertEqual(action.state, "done")
        # the limit decided is no compliance exception
        start = fields.Datetime.now() - timedelta(days=1)
        end = fields.Datetime.now() + timedelta(days=1)
        found = self.env["credit.compliance"]._find(
            self.company, over, start, end, self.today, checks={"limit_without_assessment"}
        )
        self.assertEqual([row["detail"] for row in found], ["0.00 to 2500.00: Test set-up"])

    def test_meetings_are_planned_on_the_recurrence(self):
        self.company.write({"credit_meeting_months": 1, "credit_meeting_next_date": self.today})
        Meeting = self.env["credit.meeting"]
        before = Meeting.search_count([("company_id", "=", self.company.id)])
        Meeting._cron_plan_meetings()
        Meeting._cron_plan_meetings()
        self.assertEqual(Meeting.search_count([("company_id", "=", self.company.id)]), before + 1)
        self.assertEqual(
            self.company.credit_meeting_next_date, fields.Date.add(self.today, months=1)
        )

    # -- internal audit ----------------------------------------------------------------------
    def _audit(self, **values):
        return (
            self.env["credit.audit"]
            .with_user(self.auditor)
            .create(
                {
                    "date_from": self.today - timedelta(days=30),
                    "date_to": self.today,
                    "sample_size": 2,
                    "seed": 42,
                }
                | values
            )
        )

    def test_the_audit_finds_seeded_breaches_and_none_on_clean_data(self):
        # clean data: no limit without an assessment, nothing done in the period
        with credit_workflow(self.env):
            self.customer.credit_limit = 0.0
        clean = self._audit(
            date_from=self.today - timedelta(days=400), date_to=self.today - timedelta(days=370)
        )
        clean.action_run_checks()
        self.assertFalse(clean.result_ids)
        self.assertTrue(clean.checked_date)
        with credit_workflow(self.env):
            self.customer.credit_limit = 2500.0

        # seeded: a limit changed by hand, a release with no real reason, a mass export,
        # an assessment approved by the customer's own salesperson
        self.customer.with_user(self.analyst)._credit_set_limit(2600.0, "Asked by sales")
        order = self._order(self.customer, 5000.0, confirm=False)
        order.action_confirm()
        self._answer(order, "release", self.manager, reason="ok")
        self.env["credit.access.log"]._credit_workflow_create(
            {
                "user_id": self.analyst.id,
                "company_id": self.company.id,
                "res_model": "res.partner",
                "record_count": 500,
                "channel": "export",
            }
        )
        own = self.env["res.partner"].create(
            {"name": "Own Customer", "is_company": True, "user_id": self.analyst.id}
        )
        assessment = (
            self.env["credit.assessment"]
            .with_user(self.salesperson)
            .create({"partner_id": own.id, "type": "new", "requested_limit": 1000.0})
        )
        assessment.sudo()._credit_workflow_write(
            {
                "state": "approved",
                "approved_by_id": self.analyst.id,
                "submitted_by_id": self.salesperson.id,
                "decision_date": fields.Datetime.now(),
                "approved_limit": 1000.0,
            }
        )
        audit = self._audit()
        audit.action_run_checks()
        found = {(r.check, r.partner_id) for r in audit.result_ids}
        self.assertIn(("limit_without_assessment", self.customer), found)
        self.assertIn(("release_without_reason", self.customer), found)
        self.assertIn(("release_above_limit", self.customer), found)
        self.assertIn(("approval_by_submitter", own), found)
        self.assertIn(("mass_export", self.company.partner_id), found)
        release_result = audit.result_ids.filtered(lambda r: r.check == "release_without_reason")
        self.assertEqual(release_result.res_ref, order.sudo().credit_release_ids)
        self.assertEqual(release_result.user_id, self.manager)

    def test_the_sample_is_reproducible_from_its_seed(self):
        for limit in (2600.0, 2700.0, 2800.0, 2900.0, 3000.0):
            self.customer.with_user(self.analyst)._credit_set_limit(limit, "Step by step")
        first = self._audit(seed=7)
        first.action_draw_sample()
        again = self._audit(seed=7)
        again.action_draw_sample()
        limits = first.sample_ids.filtered(lambda s: s.kind == "limit")
        self.assertEqual(len(limits), 2)
        self.assertEqual(first.sample_ids.mapped("res_ref"), again.sample_ids.mapped("res_ref"))
        first.action_draw_sample()  # drawn again: the same
        self.assertEqual(first.sample_ids.mapped("res_ref"), again.sample_ids.mapped("res_ref"))
        # the auditor ticks the checklist; the audit concluded is kept
        first.sample_ids[0].with_user(self.auditor).write(
            {"check_reason": True, "reviewed": True, "note": "Reason on file"}
        )
        with self.assertRaises(UserError):  # the sample itself is drawn, not written
            first.sample_ids[0].with_user(self.auditor).write({"partner_id": self.customer.id})
        with self.assertRaises(UserError):  # nor its seed once drawn
            first.with_user(self.auditor).write({"seed": 8})
        other = self._audit(seed=1)
        other.action_draw_sample()
        self.assertNotEqual(
            other.sample_ids.filtered(lambda s: s.kind == "limit").mapped("res_ref"),
            first.sample_ids.filtered(lambda s: s.kind == "limit").mapped("res_ref"),
        )
        first.action_done()
        with self.assertRaises(UserError):
            first.sample_ids[0].with_user(self.auditor).write({"note": "changed"})
        with self.assertRaises(UserError):
            first.with_user(self.auditor).action_run_checks()

    def test_a_finding_raises_a_proposal_and_a_new_draft_version(self):
        policy = self._published("1.0")
        audit = self._audit()
        finding = (
            self.env["credit.audit.finding"]
            .with_user(self.auditor)
            .create(
                {
                    "audit_id": audit.id,
                    "name": "Limits raised by hand without a meeting",
                    "severity": "high",
                    "owner_id": self.analyst.id,
                    "recommendation": "Require a meeting decision above 10,000.",
                    "due_date": self.today + timedelta(days=30),
                }
            )
        )
        self.assertTrue(finding.activity_ids.filtered(lambda a: a.user_id == self.analyst))
        # the owner reads it, cannot change it; the auditor closes it with a note
        self.assertEqual(
            self.env["credit.audit.finding"].with_user(self.analyst).search([]), finding
        )
        with self.assertRaises(AccessError):
            finding.with_user(self.analyst).write({"severity": "low"})
        with self.assertRaises(UserError):
            finding.with_user(self.auditor).action_close()
        # open findings are on the meeting's agenda
        meeting = self._meeting()
        self.assertIn(finding, meeting.agenda_ids.mapped("res_ref"))

        action = finding.with_user(self.auditor).action_raise_improvement()
        proposal = (
            self.env["credit.improvement"]
            .with_user(self.auditor)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(proposal.finding_id, finding)
        with self.assertRaises(AccessError):
            proposal.with_user(self.auditor).action_accept()
        proposal.with_user(self.manager).action_accept()
        draft = proposal.policy_id
        self.assertEqual(
            (draft.state, draft.version, draft.previous_id, draft.improvement_id),
            ("draft", "1.1", policy, proposal),
        )
        self.assertEqual(draft.body, policy.body)
        self.assertIn("meeting decision above 10,000", draft.change_summary)
        finding.with_user(self.auditor).write({"closing_note": "Rule added to version 1.1"})
        finding.with_user(self.auditor).action_close()
        self.assertEqual(finding.state, "closed")
        self.assertFalse(finding.activity_ids)

    def test_auditors_write_audits_and_findings_and_nothing_else(self):
        with self.assertRaises(AccessError):
            self.env["credit.audit"].with_user(self.manager).create(
                {"date_from": self.today, "date_to": self.today}
            )
        audit = self._audit()
        with self.assertRaises(AccessError):
            audit.with_user(self.manager).write({"name": "Mine now"})
        with self.assertRaises(AccessError):
            self._meeting(user=self.auditor)
        with self.assertRaises(AccessError):
            self._policy("9.9", user=self.auditor)
        with self.assertRaises(AccessError):
            self.customer.with_user(self.auditor).write({"credit_limit": 1.0})
        with self.assertRaises(ValidationError):
            self._audit(date_from=self.today, date_to=self.today - timedelta(days=1))
