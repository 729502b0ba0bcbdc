from datetime import datetime, time, timedelta
from types import MappingProxyType

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .credit_common import BOARD, CREDIT_STATUSES, MANAGER
from .credit_guarded import SYSTEM

# reviews falling due within these days are on the agenda
REVIEW_SOON_DAYS = 30
AGENDA_KINDS = [
    ("over_limit", "Over the Limit"),
    ("near_limit", "Near the Limit"),
    ("watch", "Watch List"),
    ("review_overdue", "Review Overdue"),
    ("review_due", "Review Due"),
    ("event", "Open Credit Event"),
    ("release", "Large Release"),
    ("finding", "Open Audit Finding"),
    ("action", "Open Action Item"),
]
DECISION_KINDS = [
    ("limit", "Credit Limit"),
    ("status", "Credit Status"),
    ("rating", "Credit Rating"),
    ("action", "Action Item"),
]
DECISION_STATES = [
    ("draft", "Proposed"),
    ("applied", "Carried Out"),
    ("open", "Action Open"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
ACTION_ACTIVITY = "credit_management.mail_activity_type_credit_meeting_action"


class CreditMeeting(models.Model):
    """A credit management meeting (P5.2.1): held on the company's recurrence, its agenda
    built from live data when it is created (customers over or near their limit, the watch
    list, reviews due and overdue, open credit events, large releases since the last meeting,
    open audit findings, action items still open), its minutes, attendees and decisions. The
    chair (the board) approves the decisions: limits, statuses and ratings are applied through
    the same code as everywhere, action items become activities."""

    _name = "credit.meeting"
    _description = "Credit Meeting"
    _inherit = ("mail.thread", "mail.activity.mixin", "credit.guarded")
    _order = "date desc, id desc"

    _credit_guarded_fields = MappingProxyType(
        dict.fromkeys(("state", "policy_id", "previous_id", "approved_by_id"), SYSTEM)
    )

    name = fields.Char(required=True, default=lambda self: self.env._("Credit Meeting"))
    date = fields.Datetime(required=True, default=fields.Datetime.now, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    chair_id = fields.Many2one(
        "res.users",
        tracking=True,
        domain=lambda self: [("groups_id", "in", self.env.ref(BOARD).ids)],
        default=lambda self: self.env.company.credit_meeting_chair_id,
    )
    attendee_ids = fields.Many2many("res.users", string="Attendees", domain=[("share", "=", False)])
    state = fields.Selection(
        [("draft", "Planned"), ("held", "Held"), ("closed", "Decisions Approved")],
        string="Status",
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    minutes = fields.Html()
    agenda_ids = fields.One2many("credit.meeting.agenda", "meeting_id")
    decision_ids = fields.One2many("credit.meeting.decision", "meeting_id")
    previous_id = fields.Many2one(
        "credit.meeting", string="Previous Meeting", readonly=True, copy=False
    )
    policy_id = fields.Many2one(
        "credit.policy", string="Policy in Force", readonly=True, ondelete="restrict", copy=False
    )
    approved_by_id = fields.Many2one(
        "res.users", string="Decisions Approved By", readonly=True, copy=False
    )
    agenda_count = fields.Integer(compute="_compute_counts")
    decision_count = fields.Integer(compute="_compute_counts")

    @api.depends("agenda_ids", "decision_ids")
    def _compute_counts(self):
        for meeting in self:
            meeting.agenda_count = len(meeting.agenda_ids)
            meeting.decision_count = len(meeting.decision_ids)

    @api.depends("name", "date")
    def _compute_display_name(self):
        for meeting in self:
            day = meeting.date and fields.Date.to_string(
                fields.Datetime.context_timestamp(meeting, meeting.date)
            )
            meeting.display_name = f"{meeting.name} {day}" if day else meeting.name

    @api.model_create_multi
    def create(self, vals_list):
        meetings = super().create(vals_list)
        for meeting in meetings:
            previous = self.search(
                [
                    ("company_id", "=", meeting.company_id.id),
                    ("id", "!=", meeting.id),
                    ("date", "<", meeting.date),
                ],
                order="date desc, id desc",
                limit=1,
            )
            meeting._credit_workflow_write({"previous_id": previous.id})
            meeting._build_agenda()
            if meeting.chair_id:
                meeting.activity_schedule(
                    "mail.mail_activity_data_meeting",
                    date_deadline=fields.Datetime.context_timestamp(meeting, meeting.date).date(),
                    user_id=meeting.chair_id.id,
                    summary=self.env._("Chair the credit meeting"),
                )
        return meetings

    def write(self, vals):
        self._credit_check_lock(
            vals,
            {"closed"},
            self.env._("The decisions of this meeting are approved: it is closed."),
            allowed=("minutes", "attendee_ids", "message_main_attachment_id"),
        )
        self._credit_check_lock(
            vals,
            {"held", "closed"},
            self.env._("The chair, date and company of a meeting held stay as they were."),
            fnames=("chair_id", "date", "company_id"),
        )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_planned(self):
        if any(state != "draft" for state in self.mapped("state")):
            raise UserError(self.env._("Only a planned meeting can be deleted."))

    # -- the agenda -------------------------------------------------------------------------
    def action_refresh_agenda(self):
        self.check_access("write")
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Credit managers and the board prepare the meetings."))
        if any(state != "draft" for state in self.mapped("state")):
            raise UserError(self.env._("The agenda of a meeting held is kept as it was."))
        for meeting in self:
            meeting._build_agenda()
        return True

    def _build_agenda(self):
        """Rebuild the agenda from live data (one query per kind of item)."""
        self.ensure_one()
        Agenda = self.env["credit.meeting.agenda"].sudo()
        Agenda.search([("meeting_id", "=", self.id)]).unlink()
        rows = []
        for kind, items in self._agenda_items().items():
            rows += [
                {"meeting_id": self.id, "kind": kind, "sequence": len(rows) + index} | item
                for index, item in enumerate(items)
            ]
        Agenda.create(rows)

    def _agenda_items(self):
        """``{kind: [values]}``: what the meeting discusses, from the customer monitor (the
        exposure service's query), the profiles, the events, releases, findings and the
        action items of earlier meetings."""
        company = self.company_id
        today = fields.Date.context_today(self)
        Monitor = self.env["credit.customer.monitor"].sudo().with_company(company)
        warning = company.credit_warning_threshold
        items = {kind: [] for kind, _label in AGENDA_KINDS}
        money = self.env["credit.decision"]._money
        for row in Monitor.search(
            ["|", ("utilization", ">=", warning), ("watched", "=", True)],
            order="utilization desc",
        ):
            figures = self.env._(
                "Exposure %(exposure)s of a limit of %(limit)s (%(share)s%%).",
                exposure=money(row.exposure, company),
                limit=money(row.credit_limit, company),
                share=round(row.utilization),
            )
            if row.credit_limit and row.utilization > 100:
                items["over_limit"].append(
                    {"partner_id": row.partner_id.id, "amount": row.exposure, "detail": figures}
                )
            elif row.credit_limit and row.utilization >= warning:
                items["near_limit"].append(
                    {"partner_id": row.partner_id.id, "amount": row.exposure, "detail": figures}
                )
            if row.watched:
                items["watch"].append(
                    {
                        "partner_id": row.partner_id.id,
                        "amount": row.exposure,
                        "detail": row.signals or figures,
                    }
                )
        Partner = self.env["res.partner"].sudo().with_company(company)
        for partner in Partner.search(
            [
                ("parent_id", "=", False),
                ("credit_next_review_date", "!=", False),
                ("credit_next_review_date", "<=", today + timedelta(days=REVIEW_SOON_DAYS)),
            ],
            order="credit_next_review_date",
        ):
            kind = "review_overdue" if partner.credit_next_review_date < today else "review_due"
            items[kind].append(
                {
                    "partner_id": partner.id,
                    "amount": partner.credit_limit,
                    "detail": self.env._(
                        "Review due on %(date)s.", date=partner.credit_next_review_date
                    ),
                }
            )
        for event in (
            self.env["credit.event"]
            .sudo()
            .search(
                [("company_id", "=", company.id), ("state", "in", ("open", "in_progress"))],
                order="date",
            )
        ):
            items["event"].append(
                {
                    "partner_id": event.partner_id.commercial_partner_id.id,
                    "res_ref": f"credit.event,{event.id}",
                    "detail": event.display_name,
                }
            )
        since = self.previous_id.date or (self.date - relativedelta(months=1))
        threshold = company.credit_meeting_release_amount
        for release in (
            self.env["credit.release"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("answer", "=", "release"),
                    ("date", ">=", since),
                    ("date", "<", self.date),
                    ("amount", ">=", threshold),
                ],
                order="amount desc",
            )
        ):
            items["release"].append(
                {
                    "partner_id": release.partner_id.id,
                    "res_ref": f"credit.release,{release.id}",
                    "amount": release.amount,
                    "detail": self.env._(
                        "%(document)s released by %(user)s: %(reason)s",
                        document=release.document_name,
                        user=release.user_id.name,
                        reason=release.reason,
                    ),
                }
            )
        for finding in (
            self.env["credit.audit.finding"]
            .sudo()
            .search([("company_id", "=", company.id), ("state", "=", "open")], order="due_date")
        ):
            items["finding"].append(
                {
                    "partner_id": finding.partner_id.id,
                    "res_ref": f"credit.audit.finding,{finding.id}",
                    "detail": finding.display_name,
                }
            )
        for action in (
            self.env["credit.meeting.decision"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "open"),
                    ("meeting_id", "!=", self.id),
                ],
                order="deadline",
            )
        ):
            items["action"].append(
                {
                    "partner_id": action.partner_id.id,
                    "res_ref": f"credit.meeting.decision,{action.id}",
                    "detail": self.env._(
                        "%(action)s (%(owner)s, due %(deadline)s)",
                        action=action.description,
                        owner=action.owner_id.name or "-",
                        deadline=action.deadline or "-",
                    ),
                }
            )
        return items

    # -- the meeting and its decisions -------------------------------------------------------
    def _check_chair(self):
        """The policy reserves the meeting's decisions for management (P6.1): the board
        approves them, whoever chairs."""
        if not self.env.user.has_group(BOARD):
            raise AccessError(
                self.env._("The Credit Management Board approves the decisions of a meeting.")
            )

    @api.constrains("chair_id")
    def _check_chair_is_board(self):
        board = self.env.ref(BOARD).sudo()
        for meeting in self:
            if meeting.chair_id and meeting.chair_id not in board.users:
                raise ValidationError(
                    self.env._(
                        "%(user)s is not a member of the Credit Management Board: the chair is.",
                        user=meeting.chair_id.name,
                    )
                )

    def action_held(self):
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Credit managers and the board record the meetings."))
        if any(state != "draft" for state in self.mapped("state")):
            raise UserError(self.env._("This meeting is already recorded as held."))
        for meeting in self:
            meeting._credit_workflow_write(
                {
                    "state": "held",
                    "policy_id": self.env["credit.policy"]._in_force(meeting.company_id).id,
                }
            )
        return True

    def action_approve_decisions(self):
        """The chair approves the decisions: each is applied (limits, statuses, ratings) or
        opened (action items), as the user approving, through the customer's own writers."""
        self._check_chair()
        if any(state != "held" for state in self.mapped("state")):
            raise UserError(self.env._("Record the meeting as held before approving decisions."))
        for meeting in self:
            meeting.decision_ids.filtered(lambda d: d.state == "draft")._apply()
            meeting._credit_workflow_write({"state": "closed", "approved_by_id": self.env.uid})
            meeting.activity_ids.filtered(
                lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_meeting")
            ).action_feedback(feedback=self.env._("Decisions approved"))
        return True

    @api.model
    def _cron_plan_meetings(self):
        """Plan the next meeting of each company whose date has come (P5.2.1): the meeting
        is created with its agenda, the company's next date moves on by its recurrence."""
        today = fields.Date.context_today(self)
        for company in self.env["res.company"].search(
            [
                ("credit_meeting_months", ">", 0),
                ("credit_meeting_next_date", "!=", False),
                ("credit_meeting_next_date", "<=", today),
            ]
        ):
            day = company.credit_meeting_next_date
            self.with_company(company).sudo().create(
                {
                    "company_id": company.id,
                    "date": datetime.combine(day, time(9, 0)),
                    "chair_id": company.credit_meeting_chair_id.id,
                }
            )
            company.sudo().credit_meeting_next_date = day + relativedelta(
                months=company.credit_meeting_months
            )


class CreditMeetingAgenda(models.Model):
    """An item of a meeting's agenda, as the live data gave it when the agenda was built."""

    _name = "credit.meeting.agenda"
    _description = "Credit Meeting Agenda Item"
    _order = "meeting_id, sequence, id"

    meeting_id = fields.Many2one("credit.meeting", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="meeting_id.company_id", store=True)
    currency_id = fields.Many2one(related="meeting_id.currency_id")
    sequence = fields.Integer()
    kind = fields.Selection(AGENDA_KINDS, string="Item", required=True)
    partner_id = fields.Many2one("res.partner", string="Customer")
    res_ref = fields.Reference(
        selection=[
            ("credit.event", "Credit Event"),
            ("credit.release", "Release"),
            ("credit.audit.finding", "Audit Finding"),
            ("credit.meeting.decision", "Action Item"),
        ],
        string="Record",
    )
    amount = fields.Monetary()
    detail = fields.Text()

    def action_decide(self):
        """Open a decision about this item's customer."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.meeting.decision",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_meeting_id": self.meeting_id.id,
                "default_partner_id": self.partner_id.id,
                "default_description": self.detail,
            },
        }


class CreditMeetingDecision(models.Model):
    """A decision of a credit meeting: a new limit, status or rating for a customer, applied
    once the chair approves through the customer's own writers (the history names the
    decision), or an action item for an owner by a deadline, followed up at the next meetings
    until done."""

    _name = "credit.meeting.decision"
    _description = "Credit Meeting Decision"
    _inherit = ("mail.thread", "mail.activity.mixin", "credit.guarded")
    _order = "meeting_id desc, id"
    _rec_name = "description"

    _credit_guarded_fields = MappingProxyType(dict.fromkeys(("state", "policy_id"), SYSTEM))

    meeting_id = fields.Many2one("credit.meeting", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="meeting_id.company_id", store=True)
    currency_id = fields.Many2one(related="meeting_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", domain=[("parent_id", "=", False)]
    )
    kind = fields.Selection(DECISION_KINDS, required=True, default="action")
    new_limit = fields.Monetary()
    new_status = fields.Selection(
        [(key, label) for key, label in CREDIT_STATUSES if key != "not_assessed"]
    )
    new_rating_id = fields.Many2one("credit.rating")
    description = fields.Text(required=True)
    owner_id = fields.Many2one("res.users", domain=[("share", "=", False)])
    deadline = fields.Date()
    state = fields.Selection(
        DECISION_STATES,
        string="Status",
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    policy_id = fields.Many2one(
        "credit.policy", string="Policy in Force", readonly=True, ondelete="restrict"
    )
    meeting_state = fields.Selection(related="meeting_id.state", string="Meeting Status")

    @api.constrains("kind", "partner_id", "new_status", "new_rating_id", "owner_id", "deadline")
    def _check_decision(self):
        for decision in self:
            if decision.kind != "action" and not decision.partner_id:
                raise ValidationError(self.env._("A decision on the credit names its customer."))
            if decision.kind == "limit" and decision.new_limit < 0:
                raise ValidationError(self.env._("A credit limit cannot be negative."))
            if decision.kind == "status" and not decision.new_status:
                raise ValidationError(self.env._("Choose the new credit status."))
            if decision.kind == "rating" and not decision.new_rating_id:
                raise ValidationError(self.env._("Choose the new credit rating."))
            if decision.kind == "action" and not (decision.owner_id and decision.deadline):
                raise ValidationError(self.env._("An action item has an owner and a deadline."))

    @api.model_create_multi
    def create(self, vals_list):
        decisions = super().create(vals_list)
        if decisions.meeting_id.filtered(lambda m: m.state == "closed"):
            raise UserError(self.env._("The decisions of this meeting are approved: it is closed."))
        return decisions

    def write(self, vals):
        if "meeting_id" in vals and any(d.meeting_id.id != vals["meeting_id"] for d in self):
            raise UserError(self.env._("A decision stays with the meeting that took it."))
        self._credit_check_lock(
            vals,
            {state for state, _label in DECISION_STATES} - {"draft"},
            self.env._("An approved decision is kept as it was approved."),
            allowed=("message_main_attachment_id",),
        )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_proposed(self):
        if any(state != "draft" for state in self.mapped("state")):
            raise UserError(self.env._("An approved decision is kept as it was approved."))

    def _reason(self):
        return self.env._(
            "Decided by %(meeting)s: %(description)s",
            meeting=self.meeting_id.display_name,
            description=self.description,
        )

    def _apply(self):
        """Apply approved decisions, as the approving user, through the customer's writers:
        the history records the decision as the source of the change."""
        for decision in self:
            company = decision.company_id
            policy = self.env["credit.policy"]._in_force(company)
            partner = decision.partner_id.with_company(company)
            if decision.kind == "limit":
                partner._credit_set_limit(decision.new_limit, decision._reason(), decision)
            elif decision.kind == "status":
                partner._credit_set_status(
                    decision.new_status, decision._reason(), decision=decision
                )
            elif decision.kind == "rating":
                partner._credit_set_rating(decision.new_rating_id, decision._reason(), decision)
            if decision.kind == "action":
                decision.activity_schedule(
                    ACTION_ACTIVITY,
                    date_deadline=decision.deadline,
                    user_id=decision.owner_id.id,
                    summary=decision.description[:80],
                    note=decision._reason(),
                )
                state = "open"
            else:
                state = "applied"
            decision._credit_workflow_write({"state": state, "policy_id": policy.id})

    def action_done(self):
        """The owner (or a credit manager) reports the action item done."""
        for decision in self:
            if decision.state != "open":
                raise UserError(self.env._("Only an open action item can be done."))
            if self.env.user != decision.owner_id and not self.env.user.has_group(MANAGER):
                raise AccessError(self.env._("The owner of the action item reports it done."))
        self._credit_workflow_write({"state": "done"})
        for decision in self:
            decision.sudo().activity_ids.filtered(
                lambda a: a.activity_type_id == self.env.ref(ACTION_ACTIVITY)
            ).action_feedback(feedback=self.env._("Done"))
        return True

    def action_cancel(self):
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Credit managers and the board cancel decisions."))
        if any(state not in ("draft", "open") for state in self.mapped("state")):
            raise UserError(self.env._("An applied decision cannot be cancelled."))
        self._credit_workflow_write({"state": "cancelled"})
        self.sudo().activity_unlink([ACTION_ACTIVITY])
        return True

    def action_raise_improvement(self):
        return self.env["credit.improvement"]._form_from(
            self, self.env._("From %(decision)s", decision=self.description[:60])
        )
