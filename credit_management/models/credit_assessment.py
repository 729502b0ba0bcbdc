from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .credit_common import (
    ANALYST,
    MANAGER,
    OPEN_STATUSES,
    SALESPERSON,
    close_activities,
    credit_notification,
    reader_env,
)
from .credit_guarded import SYSTEM, credit_workflow, is_credit_workflow

ASSESSMENT_TYPES = [
    ("new", "New Customer"),
    ("periodic", "Periodic Review"),
    ("adhoc", "Ad Hoc"),
    ("monitoring", "Monitoring Review"),
]
# reviews of these types re-assess the customer in full (with documents); a monitoring review
# confirms or flags what the indicators say between two of them (P4.2.1)
FULL_TYPES = ("new", "periodic", "adhoc")
SALES_OPINIONS = [
    ("confirm", "Nothing to report: confirm"),
    ("flag", "Changes to report: flag for finance"),
]
ASSESSMENT_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("review", "In Review"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]
# Written by finance only; set by the workflow only (through sudo).
FINANCE_FIELDS = {
    "line_ids",
    "approved_rating_id",
    "approved_limit",
    "approved_payment_term_id",
    "recommendation",
    "report",
    "finance_comment",
    "scorecard_id",
    "decision_overridden",
    "decision_reason",
}
# P4.1.3: points an item of the customer's record of the last 12 months takes off the credit
# history index (100): an event by its severity (three times for a default, a bounced payment
# or legal news: the scorecard's "Defaults" level), a document finance had to release, a
# document finance rejected
HISTORY_SEVERITY_POINTS = {"low": 5, "medium": 10, "high": 20, "critical": 40}
HISTORY_GRAVE_EVENTS = ("default", "returned_payment", "legal")
HISTORY_GRAVE_FACTOR = 3
HISTORY_RELEASE_POINTS = 3
HISTORY_REJECTION_POINTS = 10
DECISION_FIELDS = ("approved_rating_id", "approved_limit", "approved_payment_term_id")
WORKFLOW_FIELDS = {
    "state",
    "policy_id",
    "submitted_by_id",
    "submit_date",
    "reviewer_id",
    "approved_by_id",
    "rejected_by_id",
    "decision_date",
    "answer_sent_date",
    "history_invoice_count",
    "history_on_time_rate",
    "history_avg_days_late",
    "history_largest_overdue",
}


class CreditAssessment(models.Model):
    """The Customer Credit Assessment Form (客戶信用評估表): filled in by sales, submitted to
    finance, scored against a scorecard, approved or rejected. Each transition is a server
    action (data/credit_assessment_actions.xml) that the form buttons, the Action menu and
    automation rules share."""

    _name = "credit.assessment"
    _description = "Customer Credit Assessment"
    _inherit = ("mail.thread", "mail.activity.mixin", "credit.access.logged", "credit.guarded")
    _order = "id desc"
    _credit_guarded_fields = dict.fromkeys(WORKFLOW_FIELDS, SYSTEM) | dict.fromkeys(
        FINANCE_FIELDS | set(DECISION_FIELDS), ANALYST
    )

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/", index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        tracking=True,
        index=True,
        domain="[('is_company', '=', True)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda s: s.env.company, tracking=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    type = fields.Selection(ASSESSMENT_TYPES, required=True, default="new", tracking=True)
    state = fields.Selection(
        ASSESSMENT_STATES, required=True, default="draft", readonly=True, tracking=True, index=True
    )
    user_id = fields.Many2one(
        "res.users", string="Salesperson", default=lambda s: s.env.user, tracking=True
    )
    lead_id = fields.Many2one("crm.lead", string="Opportunity")
    # sales' part
    requested_limit = fields.Monetary(tracking=True)
    requested_payment_term_id = fields.Many2one("account.payment.term", string="Requested Terms")
    annual_revenue = fields.Monetary(string="Declared Annual Revenue")
    years_in_business = fields.Integer()
    employees = fields.Integer()
    sales_comment = fields.Text(string="Sales Comments")
    # P4.2.1: a monitoring review shows the indicators and asks sales to confirm or flag
    monitoring_summary = fields.Text(
        string="Indicators",
        readonly=True,
        help="The customer's exposure, overdue and open credit events when the review was "
        "prepared.",
    )
    sales_opinion = fields.Selection(
        SALES_OPINIONS,
        string="Sales' Opinion",
        help="For a monitoring review: nothing to report, or changes finance should look at "
        "(say which in the comments).",
    )
    document_ids = fields.One2many(
        "credit.assessment.document", "assessment_id", string="Documents"
    )
    missing_document_type_ids = fields.Many2many(
        "credit.document.type", compute="_compute_missing_document_type_ids"
    )
    document_count = fields.Integer(compute="_compute_missing_document_type_ids")
    # finance's part
    scorecard_id = fields.Many2one(
        "credit.scorecard", default=lambda s: s._default_scorecard(), tracking=True
    )
    line_ids = fields.One2many("credit.assessment.line", "assessment_id", string="Scores")
    total_score = fields.Float(compute="_compute_total_score", store=True, tracking=True)
    # computed as the superuser: the scores are finance's, the proposal follows them whoever
    # touches the assessment (the approved values below are stored from it)
    proposed_rating_id = fields.Many2one(
        "credit.rating", compute="_compute_proposal", compute_sudo=True
    )
    proposed_limit = fields.Monetary(compute="_compute_proposal", compute_sudo=True)
    proposed_payment_term_id = fields.Many2one(
        "account.payment.term",
        compute="_compute_proposal",
        compute_sudo=True,
        string="Proposed Terms",
    )
    # what approval writes on the customer: the proposal, until finance changes it with a reason
    approved_rating_id = fields.Many2one(
        "credit.rating",
        string="Rating",
        tracking=True,
        compute="_compute_decision",
        store=True,
        readonly=False,
    )
    approved_limit = fields.Monetary(
        tracking=True, compute="_compute_decision", store=True, readonly=False
    )
    approved_payment_term_id = fields.Many2one(
        "account.payment.term",
        string="Approved Terms",
        tracking=True,
        compute="_compute_decision",
        store=True,
        readonly=False,
    )
    decision_overridden = fields.Boolean(
        string="Changed by Finance",
        readonly=True,
        copy=False,
        help="Finance changed the rating, limit or terms proposed by the score: they no "
        "longer follow the scores.",
    )
    decision_differs = fields.Boolean(
        string="Differs from the Proposal", compute="_compute_decision_differs", compute_sudo=True
    )
    decision_reason = fields.Text(
        string="Why Not the Proposal",
        tracking=True,
        help="Required when the approved rating, limit or terms differ from the proposal.",
    )
    recommendation = fields.Text(string="Finance Recommendation")
    report = fields.Html(string="Assessment Report")
    finance_comment = fields.Text(
        help="Finance's answer to sales; required to reject the assessment."
    )
    # payment record of the customer in Odoo over the last 12 months
    history_invoice_count = fields.Integer(readonly=True)
    history_on_time_rate = fields.Float(string="Paid on Time (%)", readonly=True)
    history_avg_days_late = fields.Float(string="Average Days Late", readonly=True)
    history_largest_overdue = fields.Monetary(string="Largest Overdue", readonly=True)
    # who and when
    submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    submit_date = fields.Datetime(readonly=True, copy=False)
    reviewer_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    rejected_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    decision_date = fields.Datetime(readonly=True, copy=False)
    policy_id = fields.Many2one(
        "credit.policy",
        string="Policy in Force",
        readonly=True,
        copy=False,
        ondelete="restrict",
        help="The credit policy version published when finance decided.",
    )
    answer_sent_date = fields.Datetime(
        string="Answer Sent On",
        readonly=True,
        copy=False,
        help="When the salesperson sent the customer the answer of this assessment (P4.1.4).",
    )

    # the periodic review this assessment answers (scheduled by credit_monitoring_review.py)
    review_due_date = fields.Date(
        readonly=True, index=True, help="The customer's review date this assessment answers."
    )
    review_overdue = fields.Boolean(
        compute="_compute_review_overdue", search="_search_review_overdue"
    )

    @api.model
    def _default_scorecard(self):
        return self.env["credit.scorecard"].search(
            [("company_id", "in", [self.env.company.id, False])], limit=1
        )

    def _credit_check_guarded(self, vals, create=False):
        # the scorecard finance will score with may be chosen when the assessment is created
        # (as its default is); finance's other fields never are (checked in create)
        if create:
            vals = {fname: value for fname, value in vals.items() if fname != "scorecard_id"}
        return super()._credit_check_guarded(vals, create=create)

    def _credit_guard_message(self, fnames, guard):
        if guard == SYSTEM:
            return self.env._("The state of a credit assessment changes through its actions.")
        return self.env._(
            "You are not allowed to do this on credit assessments (%(group)s only).",
            group=self.env.ref(guard).name,
        )

    @api.model_create_multi
    def create(self, vals_list):
        defaults = self._credit_context_defaults()
        for vals in vals_list:
            finance_part = (FINANCE_FIELDS | set(DECISION_FIELDS)) - {"scorecard_id"}
            if not is_credit_workflow(self.env) and any(
                (defaults | vals).get(f) for f in finance_part
            ):
                # finance's part is written by finance, in review: never at creation (the
                # scorecard finance will score with may be chosen, as its default is)
                raise AccessError(
                    self.env._(
                        "Finance fills in the scores, the decision and its comments when it "
                        "reviews the assessment."
                    )
                )
        unnamed = [vals for vals in vals_list if vals.get("name", "/") == "/"]
        if unnamed:
            # the sequence looked up once (as next_by_code does), then one number each
            sequence = (
                self.env["ir.sequence"]
                .sudo()
                .search(
                    [
                        ("code", "=", "credit.assessment"),
                        ("company_id", "in", [self.env.company.id, False]),
                    ],
                    order="company_id",
                    limit=1,
                )
            )
            for vals in unnamed:
                vals["name"] = sequence._next() if sequence else "/"
        assessments = super().create(vals_list)
        assessments._sync_lines()
        return assessments

    def write(self, vals):
        if not is_credit_workflow(self.env):
            if any(state == "approved" for state in self.mapped("state")):
                raise UserError(
                    self.env._("An approved credit assessment is kept as it was approved.")
                )
            # guarded fields are checked by credit.guarded in super().write()
            if (
                not set(vals) & set(self._credit_guarded_fields)
                and not self.env.user.has_group(ANALYST)
                and any(state not in ("draft", "rejected") for state in self.mapped("state"))
            ):
                raise UserError(
                    self.env._("A submitted credit assessment is changed by finance only.")
                )
        res = super().write(vals)
        if "scorecard_id" in vals:
            self._sync_lines()
        if set(vals) & set(DECISION_FIELDS) and "decision_overridden" not in vals:
            # a value finance typed (not the proposal the form recomputed) stops the following
            self.filtered(lambda a: a._decision_differs())._credit_workflow_write(
                {"decision_overridden": True}
            )
        return res

    @api.ondelete(at_uninstall=True)
    def _unlink_except_approved(self):
        if not is_credit_workflow(self.env) and any(
            state == "approved" for state in self.mapped("state")
        ):
            raise UserError(self.env._("An approved credit assessment is kept as it was approved."))

    def _sync_lines(self):
        """One line per criterion of the scorecard (written by the workflow): the stale lines
        of every assessment removed and the missing ones created in one go."""
        stale = self.env["credit.assessment.line"]
        missing = []
        for assessment in self:
            criteria = assessment.scorecard_id.criterion_ids
            stale |= assessment.line_ids.filtered(
                lambda line, c=criteria: line.criterion_id not in c
            )
            missing += [
                {"assessment_id": assessment.id, "criterion_id": criterion.id}
                for criterion in criteria - assessment.line_ids.criterion_id
            ]
        with credit_workflow(self.env):
            stale.sudo().unlink()
            if missing:
                self.env["credit.assessment.line"].sudo().create(missing)

    # ------------------------------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------------------------------
    def _unverified_document_types(self):
        """The required document types of which no document has been verified by sales."""
        self.ensure_one()
        required = self.env["credit.document.type"].search([])._required_for(self.type)
        return required - self.sudo().document_ids.filtered("verified").type_id

    @api.depends("document_ids.type_id", "type")
    def _compute_missing_document_type_ids(self):
        # read as the superuser: a salesperson no longer sees the documents once submitted,
        # yet they are there
        types = self.env["credit.document.type"].search([])
        for assessment in self:
            required = types._required_for(assessment.type)
            given = assessment.sudo().document_ids.type_id
            assessment.missing_document_type_ids = required - given
            assessment.document_count = len(assessment.sudo().document_ids)

    @api.depends("line_ids.level_id", "line_ids.criterion_id.weight")
    def _compute_total_score(self):
        for assessment in self:
            assessment.total_score = sum(assessment.line_ids.mapped("weighted_score"))

    @api.depends(
        "proposed_rating_id", "proposed_limit", "proposed_payment_term_id", "decision_overridden"
    )
    def _compute_decision(self):
        """The approved values follow the proposal while finance has not changed them."""
        for assessment in self:
            if assessment.decision_overridden or assessment.state == "approved":
                continue
            assessment.approved_rating_id = assessment.proposed_rating_id
            assessment.approved_limit = assessment.proposed_limit
            assessment.approved_payment_term_id = assessment.proposed_payment_term_id

    @api.depends(*DECISION_FIELDS, "proposed_rating_id", "proposed_limit")
    def _compute_decision_differs(self):
        for assessment in self:
            assessment.decision_differs = assessment._decision_differs()

    def _decision_differs(self):
        self.ensure_one()
        # a new assessment in a form has no currency yet when its company is not in the view
        currency = self.currency_id or self.company_id.currency_id or self.env.company.currency_id
        return (
            self.approved_rating_id != self.proposed_rating_id
            or currency.compare_amounts(self.approved_limit, self.proposed_limit) != 0
            or self.approved_payment_term_id != self.proposed_payment_term_id
        )

    @api.onchange(*DECISION_FIELDS)
    def _onchange_decision(self):
        """Finance typing another rating, limit or terms in the form: they stop following the
        scores at once (not only once saved), so a score changed afterwards keeps them."""
        if self._decision_differs():
            self.decision_overridden = True

    def action_follow_proposal(self):
        """Finance goes back to the proposal: the decision follows the scores again."""
        self._check_group(ANALYST)
        self._check_state(("submitted", "review"), self.env._("changed"))
        self.write({"decision_overridden": False, "decision_reason": False})
        return True

    @api.depends("total_score", "annual_revenue", "company_id", "line_ids.level_id")
    def _compute_proposal(self):
        for assessment in self:
            scored = assessment.line_ids and all(line.level_id for line in assessment.line_ids)
            rating = self.env["credit.rating"]
            if scored:
                rating = rating._for_score(assessment.total_score, assessment.company_id)
            assessment.proposed_rating_id = rating
            assessment.proposed_limit = (
                rating._proposed_limit(assessment.annual_revenue) if rating else 0.0
            )
            assessment.proposed_payment_term_id = rating.payment_term_id

    # ------------------------------------------------------------------------------------------
    # Payment record proposal (P3.1.1 "payment record", from the customer's real history)
    # ------------------------------------------------------------------------------------------
    def _payment_history(self):
        """Figures of the customer's invoices of the last 12 months, one query."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        self.env["account.move"].flush_model()
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        company_ids = self.company_id._credit_scope_ids()
        [row] = self.env.execute_query_dict(
            SQL(
                """
                WITH inv AS (
                    SELECT am.id, am.invoice_date_due AS due, am.amount_residual_signed AS residual,
                           am.payment_state IN ('paid', 'in_payment') AS paid,
                           %(paid_on)s AS paid_on
                      FROM account_move am
                     WHERE am.move_type = 'out_invoice' AND am.state = 'posted'
                       AND am.commercial_partner_id = %(partner)s
                       AND am.company_id = ANY(%(companies)s)
                       AND am.invoice_date >= %(since)s
                )
                SELECT COUNT(*) AS invoices,
                       COUNT(*) FILTER (WHERE paid OR due < %(today)s) AS settled_or_due,
                       COUNT(*) FILTER (WHERE paid AND paid_on <= due) AS on_time,
                       AVG(GREATEST(paid_on - due, 0)) FILTER (WHERE paid) AS avg_days_late,
                       MAX(residual) FILTER (WHERE NOT paid AND due < %(today)s AND residual > 0)
                           AS largest_overdue
                  FROM inv
                """,
                paid_on=self.env["credit.exposure"]._paid_on_sql("am"),
                partner=self.partner_id.commercial_partner_id.id,
                companies=company_ids,
                since=today - timedelta(days=365),
                today=today,
            )
        )
        settled = row["settled_or_due"] or 0
        return {
            "invoices": row["invoices"] or 0,
            "settled_or_due": settled,
            "on_time_rate": 100.0 * (row["on_time"] or 0) / settled if settled else 0.0,
            "avg_days_late": float(row["avg_days_late"] or 0.0),
            "largest_overdue": row["largest_overdue"] or 0.0,
        }

    def action_propose_payment_record(self):
        self._check_group(ANALYST)
        self.sudo()._propose_credit_history()
        return self.sudo()._propose_payment_record()

    def _credit_record(self):
        """The customer's own credit record in the company over the last 12 months (P4.1.3):
        its credit events by type and severity, finance's answers to its held documents,
        and whether it traded with us at all (invoices)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        since = today - timedelta(days=365)
        partner = self.partner_id.commercial_partner_id
        domain = [("partner_id", "=", partner.id), ("company_id", "=", self.company_id.id)]
        events = (
            self.env["credit.event"]
            .sudo()
            ._read_group([*domain, ("date", ">=", since)], ["event_type", "severity"], ["__count"])
        )
        answers = dict(
            self.env["credit.release"]
            .sudo()
            ._read_group(
                [*domain, ("date", ">=", fields.Datetime.to_datetime(since))],
                ["answer"],
                ["__count"],
            )
        )
        return {
            "events": events,
            "releases": answers.get("release", 0),
            "rejections": answers.get("reject", 0),
            "invoices": self._payment_history()["invoices"],
        }

    def _propose_credit_history(self):
        """Propose the level of the credit history criterion from the customer's record:
        100 less the points of each event of the last 12 months (by severity, three times
        for a default, a bounced payment or legal news), of each release (a document the
        limit or the customer's state stopped) and each rejection; the highest level whose
        score the index reaches.
        A customer who has not traded with us is scored by hand (outside references)."""
        for assessment in self:
            lines = assessment.line_ids.filtered(lambda li: li.kind == "history")
            if not lines:
                continue
            record = assessment._credit_record()
            if not any(record[key] for key in ("invoices", "events", "releases", "rejections")):
                proposal = self.env._(
                    "No invoice and no credit event with us in the last 12 months: score it "
                    "by hand from outside references."
                )
                lines._credit_workflow_write({"proposed_level_id": False, "proposal": proposal})
                continue
            severities = dict(
                self.env["credit.event"]._fields["severity"]._description_selection(self.env)
            )
            types = dict(
                self.env["credit.event"]._fields["event_type"]._description_selection(self.env)
            )
            parts, points = [], 0
            for event_type, severity, count in record["events"]:
                each = HISTORY_SEVERITY_POINTS[severity] * (
                    HISTORY_GRAVE_FACTOR if event_type in HISTORY_GRAVE_EVENTS else 1
                )
                points += each * count
                parts.append(
                    self.env._(
                        "%(count)s %(severity)s %(type)s x %(each)s",
                        count=count,
                        severity=severities[severity].lower(),
                        type=types[event_type],
                        each=each,
                    )
                )
            for count, each, label in (
                (record["releases"], HISTORY_RELEASE_POINTS, self.env._("releases")),
                (record["rejections"], HISTORY_REJECTION_POINTS, self.env._("rejections")),
            ):
                if count:
                    points += each * count
                    parts.append(f"{count} {label} x {each}")
            index = max(100 - points, 0)
            for line in lines:
                level = line._level_for_index(index)
                proposal = self.env._(
                    "Last 12 months: %(record)s. Index 100 - %(points)s = %(index)s: level "
                    "%(level)s.",
                    record="; ".join(parts) or self.env._("no credit event, no hold"),
                    points=points,
                    index=index,
                    level=level.name,
                )
                line._set_proposal(level, proposal)
        return True

    def _propose_payment_record(self):
        """Fill in the payment-record figures and propose the level of the payment criterion:
        the share paid on time, lowered by one point per day of average delay, picks the
        highest level whose score it reaches."""
        for assessment in self:
            history = assessment._payment_history()
            assessment._credit_workflow_write(
                {
                    "history_invoice_count": history["invoices"],
                    "history_on_time_rate": history["on_time_rate"],
                    "history_avg_days_late": history["avg_days_late"],
                    "history_largest_overdue": history["largest_overdue"],
                }
            )
            for line in assessment.line_ids.filtered(lambda li: li.kind == "payment"):
                if not history["settled_or_due"]:
                    line._credit_workflow_write(
                        {
                            "proposed_level_id": False,
                            "proposal": self.env._(
                                "No invoice paid or due in the last 12 months: score it by hand."
                            ),
                        }
                    )
                    continue
                index = max(history["on_time_rate"] - history["avg_days_late"], 0.0)
                level = line._level_for_index(index)
                proposal = self.env._(
                    "%(invoices)s invoices in 12 months, %(settled)s paid or due: %(rate)s%% "
                    "paid on time, %(late)s days late on average, largest overdue %(overdue)s. "
                    "Index %(rate)s - %(late)s = %(index)s: level %(level)s.",
                    invoices=history["invoices"],
                    settled=history["settled_or_due"],
                    rate=round(history["on_time_rate"], 1),
                    late=round(history["avg_days_late"], 1),
                    overdue=self.env["credit.decision"]._money(
                        history["largest_overdue"], assessment.company_id
                    ),
                    index=round(index, 1),
                    level=level.name,
                )
                line._set_proposal(level, proposal)
        return True

    # ------------------------------------------------------------------------------------------
    # Workflow (run by the server actions of data/credit_assessment_actions.xml)
    # ------------------------------------------------------------------------------------------
    def _check_group(self, group):
        if not is_credit_workflow(self.env) and not self.env.user.has_group(group):
            raise AccessError(
                self.env._(
                    "You are not allowed to do this on credit assessments (%(group)s only).",
                    group=self.env.ref(group).name,
                )
            )

    def _check_state(self, states, action):
        for assessment in self:
            if assessment.state not in states:
                raise UserError(
                    self.env._(
                        "%(assessment)s is %(state)s: it cannot be %(action)s.",
                        assessment=assessment.name,
                        state=dict(ASSESSMENT_STATES)[assessment.state],
                        action=action,
                    )
                )

    def action_submit(self):
        self._check_group(SALESPERSON)
        self._check_state(("draft", "rejected"), self.env._("submitted"))
        for assessment in self:
            if assessment.missing_document_type_ids:
                raise UserError(
                    self.env._(
                        "%(assessment)s misses these documents: %(documents)s.",
                        assessment=assessment.name,
                        documents=", ".join(assessment.missing_document_type_ids.mapped("name")),
                    )
                )
            unverified = assessment._unverified_document_types()
            if unverified:
                raise UserError(
                    self.env._(
                        "%(assessment)s: verify these documents first (Verify on each line): "
                        "%(documents)s.",
                        assessment=assessment.name,
                        documents=", ".join(unverified.mapped("name")),
                    )
                )
            if assessment.type == "monitoring" and not assessment.sales_opinion:
                raise UserError(
                    self.env._(
                        "%(assessment)s: confirm the indicators or flag changes for finance "
                        "(Sales' Opinion).",
                        assessment=assessment.name,
                    )
                )
            if assessment.sales_opinion == "flag" and not (assessment.sales_comment or "").strip():
                raise UserError(
                    self.env._(
                        "%(assessment)s: say in the comments what finance should look at.",
                        assessment=assessment.name,
                    )
                )
            if assessment.requested_limit <= 0:
                raise UserError(
                    self.env._(
                        "%(assessment)s: enter the requested credit limit.",
                        assessment=assessment.name,
                    )
                )
        self._credit_workflow_write(
            {
                "state": "submitted",
                "submitted_by_id": self.env.uid,
                "submit_date": fields.Datetime.now(),
            }
        )
        for assessment in self:
            controller = assessment.company_id._credit_controller()
            assessment.sudo().activity_schedule(
                "credit_management.mail_activity_type_credit_assessment",
                user_id=controller.id or self.env.uid,
                summary=reader_env(self.env, controller)._(
                    "Score the credit assessment of %(partner)s",
                    partner=assessment.partner_id.display_name,
                ),
            )
        self.sudo()._propose_payment_record()
        self.sudo()._propose_credit_history()
        return credit_notification(
            self.env._("Submitted to finance"),
            "\n".join(
                self.env._(
                    "%(assessment)s waits for finance's review (%(user)s).",
                    assessment=assessment.name,
                    user=assessment.company_id._credit_controller().name or "-",
                )
                for assessment in self
            ),
        )

    def action_start_review(self):
        self._check_group(ANALYST)
        self._check_state(("submitted",), self.env._("taken in review"))
        self._credit_workflow_write({"state": "review", "reviewer_id": self.env.uid})
        return True

    def action_approve(self):
        self._check_group(ANALYST)
        self._check_state(("review",), self.env._("approved"))
        for assessment in self:
            if not assessment.decision_overridden and assessment._decision_differs():
                # the proposal moved since the form was computed (a rating's settings)
                assessment._credit_workflow_write(
                    {
                        "approved_rating_id": assessment.proposed_rating_id.id,
                        "approved_limit": assessment.proposed_limit,
                        "approved_payment_term_id": assessment.proposed_payment_term_id.id,
                        "decision_overridden": False,
                    }
                )
            assessment._check_approval()
        for assessment in self:
            assessment._credit_workflow_write(
                {
                    "state": "approved",
                    "approved_by_id": self.env.uid,
                    "decision_date": fields.Datetime.now(),
                    "policy_id": self.env["credit.policy"]._in_force(assessment.company_id).id,
                }
            )
            assessment._apply_to_partner()
            assessment._close_finance_activities(self.env._("Approved"))
            assessment._notify_salesperson(
                self.env._("Credit assessment approved: inform the customer")
            )
        return credit_notification(
            self.env._("Credit assessment approved"),
            "\n".join(
                self.env._(
                    "%(assessment)s: %(partner)s is rated %(rating)s with a limit of %(limit)s "
                    "and %(terms)s.",
                    assessment=assessment.name,
                    partner=assessment.partner_id.display_name,
                    rating=assessment.approved_rating_id.name,
                    limit=self.env["credit.decision"]._money(
                        assessment.approved_limit, assessment.company_id
                    ),
                    terms=(
                        assessment.approved_payment_term_id
                        or assessment.approved_rating_id.payment_term_id
                    ).name
                    or self.env._("the customer's payment terms"),
                )
                for assessment in self
            ),
        )

    def _check_approval(self):
        self.ensure_one()
        if self.submitted_by_id == self.env.user and not is_credit_workflow(self.env):
            raise AccessError(
                self.env._(
                    "%(assessment)s was submitted by you: someone else must approve it.",
                    assessment=self.name,
                )
            )
        if not self.line_ids or not all(line.level_id for line in self.line_ids):
            raise UserError(
                self.env._("Score every criterion of %(assessment)s first.", assessment=self.name)
            )
        if not self.approved_rating_id:
            raise UserError(
                self.env._("Choose the rating of %(assessment)s.", assessment=self.name)
            )
        if (
            self.decision_overridden
            and self._decision_differs()
            and not (self.decision_reason or "").strip()
        ):
            raise UserError(
                self.env._(
                    "%(assessment)s: the approved rating, limit or terms differ from the "
                    "proposal (%(rating)s, %(limit)s): say why in Why Not the Proposal, or use "
                    "the proposal.",
                    assessment=self.name,
                    rating=self.proposed_rating_id.name or "-",
                    limit=self.env["credit.decision"]._money(self.proposed_limit, self.company_id),
                )
            )
        threshold = self.company_id.credit_assessment_manager_amount
        if (
            threshold
            and self.currency_id.compare_amounts(self.approved_limit, threshold) > 0
            and not self.env.user.has_group(MANAGER)
            and not is_credit_workflow(self.env)
        ):
            raise AccessError(
                self.env._(
                    "A limit above %(threshold)s needs a credit manager's approval "
                    "(%(assessment)s).",
                    threshold=self.env["credit.decision"]._money(threshold, self.company_id),
                    assessment=self.name,
                )
            )

    def action_reject(self):
        self._check_group(ANALYST)
        self._check_state(("submitted", "review"), self.env._("rejected"))
        for assessment in self:
            if not (assessment.finance_comment or "").strip():
                raise UserError(
                    self.env._(
                        "%(assessment)s: write in Finance Comment why it is rejected.",
                        assessment=assessment.name,
                    )
                )
        for assessment in self:
            assessment._credit_workflow_write(
                {
                    "state": "rejected",
                    "rejected_by_id": self.env.uid,
                    "decision_date": fields.Datetime.now(),
                    "policy_id": self.env["credit.policy"]._in_force(assessment.company_id).id,
                }
            )
        for assessment in self:
            assessment._close_finance_activities(self.env._("Rejected"))
            assessment._notify_salesperson(
                self.env._("Credit assessment rejected: revise it or inform the customer")
            )
        return True

    def action_reset(self):
        self._check_group(SALESPERSON)
        self._check_state(("rejected", "cancelled"), self.env._("reset to draft"))
        self._credit_workflow_write({"state": "draft"})
        return True

    def action_cancel(self):
        self._check_group(SALESPERSON)
        self._check_state(("draft", "submitted", "review", "rejected"), self.env._("cancelled"))
        self._credit_workflow_write({"state": "cancelled"})
        self._close_finance_activities(self.env._("Cancelled"))
        return True

    def action_send_answer(self):
        """P4.1.4: the salesperson sends the customer the answer (the approved limit and
        terms, or the refusal and what remains possible) from an e-mail template; it is
        logged in the chatter and closes the salesperson's "inform the customer" activity."""
        self.ensure_one()
        self._check_group(SALESPERSON)
        self._check_state(("approved", "rejected"), self.env._("answered"))
        template = self.env.ref(
            "credit_management.mail_template_credit_answer_approved"
            if self.state == "approved"
            else "credit_management.mail_template_credit_answer_rejected"
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": "mail.mail_notification_light",
                "credit_mark_answer_sent": True,
            },
        }

    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        if (
            self.env.context.get("credit_mark_answer_sent")
            and message.message_type == "comment"
            and not message.subtype_id.internal
            and self.state in ("approved", "rejected")
        ):
            self._credit_workflow_write({"answer_sent_date": fields.Datetime.now()})
            todo = self.env.ref("mail.mail_activity_data_todo")
            self.sudo().activity_ids.filtered(
                lambda a: a.activity_type_id == todo and a.user_id == self.user_id
            ).action_feedback(feedback=self.env._("Answer sent to the customer."))
        return message

    def _close_finance_activities(self, feedback):
        close_activities(self, "credit_management.mail_activity_type_credit_assessment", feedback)

    def _notify_salesperson(self, summary):
        self.ensure_one()
        if self.user_id:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=self.user_id.id,
                summary=summary,
                note=self.finance_comment or "",
            )

    def _apply_to_partner(self):
        """P4.1.4 / P3.2.2: the approved result becomes the customer's credit profile in this
        company, and the change is recorded on the customer with a link to the assessment."""
        self.ensure_one()
        company = self.company_id
        partner = self.partner_id.commercial_partner_id.with_company(company)
        rating = self.approved_rating_id
        today = fields.Date.context_today(self)
        old = {
            "limit": partner.sudo().credit_limit,
            "rating": partner.sudo().credit_rating_id.name or "-",
        }
        vals = {
            "credit_limit": self.approved_limit,
            "credit_rating_id": rating.id,
            "credit_score": self.total_score,
            "credit_assessment_id": self.id,
            "credit_next_review_date": rating._next_review_date(today, company),
        }
        terms = self.approved_payment_term_id or rating.payment_term_id
        if terms:
            vals["property_payment_term_id"] = terms.id
        reason = self.env._("Assessment %(name)s approved", name=self.name)
        with credit_workflow(self.env), partner._credit_change(reason, self):
            partner.sudo().write(vals)
            if rating.policy == "blocked":
                partner._credit_set_status(
                    "blocked",
                    reason,
                    hold_reason=self.env._(
                        "Rated %(rating)s by %(assessment)s.",
                        rating=rating.name,
                        assessment=self.name,
                    ),
                    assessment=self,
                )
            else:
                partner._credit_set_status(
                    "approved", reason, only_from=OPEN_STATUSES, assessment=self
                )
        self.env["credit.file"]._for_partner(partner, company)
        partner.sudo().message_post(
            body=Markup("%s <a href='/odoo/credit.assessment/%s'>%s</a>: %s")
            % (
                self.env._("Credit profile updated by assessment"),
                self.id,
                self.name,
                self.env._(
                    "limit %(old_limit)s → %(new_limit)s, rating %(old_rating)s → %(new_rating)s,"
                    " score %(score)s.",
                    old_limit=self.env["credit.decision"]._money(old["limit"], company),
                    new_limit=self.env["credit.decision"]._money(self.approved_limit, company),
                    old_rating=old["rating"],
                    new_rating=rating.name,
                    score=round(self.total_score, 1),
                ),
            ),
            subtype_xmlid="mail.mt_note",
        )

    # ------------------------------------------------------------------------------------------
    # Periodic reviews
    # ------------------------------------------------------------------------------------------
    @api.depends("review_due_date", "state")
    def _compute_review_overdue(self):
        today = fields.Date.context_today(self)
        for assessment in self:
            assessment.review_overdue = bool(
                assessment.review_due_date
                and assessment.review_due_date < today
                and assessment.state not in ("approved", "cancelled")
            )

    def _search_review_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on overdue reviews."))
        domain = [
            ("review_due_date", "<", fields.Date.context_today(self)),
            ("state", "not in", ("approved", "cancelled")),
        ]
        return domain if (operator == "=") == value else ["!", *domain]
