import re
from datetime import timedelta
from types import MappingProxyType

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .credit_common import BOARD, MANAGER, SALESPERSON
from .credit_guarded import SYSTEM

POLICY_STATES = [
    ("draft", "Draft"),
    ("proposed", "Proposed"),
    ("approved", "Approved"),
    ("published", "Published"),
    ("superseded", "Superseded"),
]
# what a version says: written while it is a draft or a proposal, kept as approved
POLICY_CONTENT = ("name", "version", "body", "change_summary", "company_id")
POLICY_WORKFLOW = (
    "state",
    "approved_by_id",
    "approved_date",
    "published_by_id",
    "effective_date",
    "previous_id",
    "improvement_id",
)
ACKNOWLEDGE_ACTIVITY = "credit_management.mail_activity_type_credit_policy"


class CreditPolicy(models.Model):
    """A version of the company's credit policy (P6.3, P6.4): proposed by management or the
    credit managers, approved by the board, published (effective that day, the previous
    version superseded), acknowledged by every sales and finance user, who are reminded until
    they do. Approvals, releases and meeting decisions record the version in force."""

    _name = "credit.policy"
    _description = "Credit Policy Version"
    _inherit = ("mail.thread", "mail.activity.mixin", "credit.guarded")
    _order = "effective_date desc, id desc"
    _rec_names_search = ("name", "version")

    _credit_guarded_fields = MappingProxyType(dict.fromkeys(POLICY_WORKFLOW, SYSTEM))

    name = fields.Char(
        string="Title",
        required=True,
        tracking=True,
        default=lambda self: self.env._("Sales Customer Credit Management Policy"),
    )
    version = fields.Char(required=True, tracking=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    body = fields.Html(string="Text", sanitize_style=True)
    change_summary = fields.Text(string="What Changed", tracking=True)
    proposer_id = fields.Many2one(
        "res.users", string="Proposed By", default=lambda self: self.env.user, tracking=True
    )
    state = fields.Selection(
        POLICY_STATES,
        string="Status",
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    approved_date = fields.Datetime(readonly=True, copy=False)
    published_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    effective_date = fields.Date(
        readonly=True, copy=False, tracking=True, help="The day it was published (P6.3)."
    )
    previous_id = fields.Many2one(
        "credit.policy", string="Revises", readonly=True, copy=False, index="btree_not_null"
    )
    improvement_id = fields.Many2one(
        "credit.improvement", string="Raised By", readonly=True, copy=False
    )
    acknowledgement_ids = fields.One2many("credit.policy.acknowledgement", "policy_id")
    acknowledged_count = fields.Integer(compute="_compute_acknowledgement_counts")
    pending_count = fields.Integer(
        string="Not Yet Acknowledged", compute="_compute_acknowledgement_counts"
    )
    to_acknowledge = fields.Boolean(
        string="To Acknowledge by Me", compute="_compute_to_acknowledge"
    )

    _sql_constraints = (
        (
            "version_company_uniq",
            "unique(company_id, version)",
            "A policy version number is used once per company.",
        ),
    )

    @api.depends("name", "version")
    def _compute_display_name(self):
        for policy in self:
            policy.display_name = (
                f"{policy.name} v{policy.version}" if policy.version else policy.name
            )

    @api.depends("acknowledgement_ids.state")
    def _compute_acknowledgement_counts(self):
        counts = {
            (policy.id, state): count
            for policy, state, count in self.env["credit.policy.acknowledgement"]
            .sudo()
            ._read_group([("policy_id", "in", self.ids)], ["policy_id", "state"], ["__count"])
        }
        for policy in self:
            policy.acknowledged_count = counts.get((policy.id, "done"), 0)
            policy.pending_count = counts.get((policy.id, "pending"), 0)

    def _my_pending_acknowledgements(self):
        """The current user's acknowledgements still to give on these versions."""
        return (
            self.env["credit.policy.acknowledgement"]
            .sudo()
            .search(
                [
                    ("policy_id", "in", self.ids),
                    ("user_id", "=", self.env.uid),
                    ("state", "=", "pending"),
                ]
            )
        )

    def _compute_to_acknowledge(self):
        pending = self._my_pending_acknowledgements().policy_id
        for policy in self:
            policy.to_acknowledge = policy in pending

    # -- what a version says stays as approved ---------------------------------------------
    def write(self, vals):
        self._credit_check_lock(
            vals,
            {"approved", "published", "superseded"},
            self.env._(
                "An approved or published policy version is kept as it is: propose a new "
                "version instead."
            ),
            fnames=POLICY_CONTENT,
        )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(state != "draft" for state in self.mapped("state")):
            raise UserError(self.env._("Only a draft policy version can be deleted."))

    # -- workflow -----------------------------------------------------------------------------
    def _check_role(self, group, message):
        if not self.env.user.has_group(group):
            raise AccessError(message)

    def _check_state(self, states, message):
        if any(state not in states for state in self.mapped("state")):
            raise UserError(message)

    def copy_data(self, default=None):
        """A copy is the draft of a next version."""
        vals_list = super().copy_data(default=default)
        for policy, vals in zip(self, vals_list, strict=True):
            if "version" not in (default or {}):
                vals["version"] = self._next_version(policy.company_id, policy.version)
        return vals_list

    def action_propose(self):
        """P6.4: the revision is proposed to the board for discussion and approval."""
        self._check_role(
            MANAGER, self.env._("Credit managers and the board propose credit policy versions.")
        )
        self._check_state(("draft",), self.env._("Only a draft policy version can be proposed."))
        self._credit_workflow_write({"state": "proposed"})
        board = self.env.ref(BOARD).sudo().users.filtered(lambda u: u.active and not u.share)
        for policy in self:
            policy.message_post(
                body=self.env._(
                    "Version %(version)s is proposed for the board's approval.",
                    version=policy.version,
                ),
                partner_ids=board.filtered(
                    lambda u, p=policy: p.company_id in u.company_ids
                ).partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
        return True

    def action_back_to_draft(self):
        self._check_role(
            MANAGER, self.env._("Credit managers and the board rework credit policy versions.")
        )
        self._check_state(
            ("proposed", "approved"),
            self.env._("Only a proposed or approved version goes back to draft."),
        )
        self._credit_workflow_write(
            {"state": "draft", "approved_by_id": False, "approved_date": False}
        )
        return True

    def action_approve(self):
        """P6.4: approved by management after discussion."""
        self._check_role(
            BOARD, self.env._("The Credit Management Board approves credit policy versions.")
        )
        self._check_state(("proposed",), self.env._("Only a proposed version can be approved."))
        self._credit_workflow_write(
            {
                "state": "approved",
                "approved_by_id": self.env.uid,
                "approved_date": fields.Datetime.now(),
            }
        )
        return True

    def action_publish(self):
        """P6.3/P6.4: effective from today; the version in force before is superseded; every
        sales and finance user of the company is notified and asked to acknowledge it."""
        self._check_role(
            BOARD, self.env._("The Credit Management Board publishes credit policy versions.")
        )
        self._check_state(("approved",), self.env._("Only an approved version can be published."))
        today = fields.Date.context_today(self)
        for policy in self:
            previous = self._in_force(policy.company_id)
            previous._credit_workflow_write({"state": "superseded"})
            policy._credit_workflow_write(
                {
                    "state": "published",
                    "effective_date": today,
                    "published_by_id": self.env.uid,
                    "previous_id": policy.previous_id.id or previous.id,
                }
            )
            policy._notify_readers()
        return True

    def _readers(self):
        """Who must know the policy: the active internal users of the company with a credit
        role (sales, finance, audit)."""
        self.ensure_one()
        groups = self.env.ref(SALESPERSON) | self.env.ref("credit_management.group_credit_auditor")
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("groups_id", "in", groups.ids),
                    ("share", "=", False),
                    ("company_ids", "in", self.company_id.id),
                ]
            )
        )

    def _notify_readers(self):
        self.ensure_one()
        readers = self._readers()
        self.env["credit.policy.acknowledgement"]._credit_workflow_create(
            [{"policy_id": self.id, "user_id": user.id} for user in readers]
        )
        summary = self.env._("Read and acknowledge %(policy)s", policy=self.display_name)
        for user in readers:
            self.sudo().activity_schedule(ACKNOWLEDGE_ACTIVITY, user_id=user.id, summary=summary)
        self.message_post(
            body=self.env._(
                "Published, effective %(date)s: %(count)s users are asked to acknowledge it.",
                date=self.effective_date,
                count=len(readers),
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _schedule_acknowledgements(self, users):
        """One "acknowledge" activity per user, created in one batch."""
        self.ensure_one()
        activity_type = self.env.ref(ACKNOWLEDGE_ACTIVITY)
        deadline = fields.Date.context_today(self) + timedelta(days=activity_type.delay_count)
        self.env["mail.activity"].sudo().create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id(self._name),
                    "res_id": self.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "date_deadline": deadline,
                    "summary": self.env._(
                        "Read and acknowledge %(policy)s", policy=self.display_name
                    ),
                }
                for user in users
            ]
        )

    def action_acknowledge(self):
        """The current user has read the version in force and will comply (P6.3)."""
        mine = self._my_pending_acknowledgements()
        if not mine:
            raise UserError(self.env._("You have nothing to acknowledge on this version."))
        mine._credit_workflow_write({"state": "done", "date": fields.Datetime.now()})
        for policy in mine.policy_id:
            activities = policy.sudo().activity_ids.filtered(
                lambda a: (
                    a.user_id == self.env.user
                    and a.activity_type_id == self.env.ref(ACKNOWLEDGE_ACTIVITY)
                )
            )
            activities.action_feedback(feedback=self.env._("Acknowledged"))
        return True

    @api.model
    def _in_force(self, company):
        """The published version of ``company``'s policy (empty if none)."""
        return (
            self.sudo()
            .search([("company_id", "=", company.id), ("state", "=", "published")], limit=1)
            .sudo(False)
        )

    @api.model
    def _next_version(self, company, version):
        """The next free version number after ``version`` (1.0 -> 1.1, 2 -> 3)."""
        taken = set(self.sudo().search([("company_id", "=", company.id)]).mapped("version"))
        candidate = version or "0"
        while True:
            match = re.search(r"(\d+)(?!.*\d)", candidate)
            if match:
                number = int(match.group(1)) + 1
                candidate = candidate[: match.start()] + str(number) + candidate[match.end() :]
            else:
                candidate = f"{candidate}.1"
            if candidate not in taken:
                return candidate

    @api.model
    def _cron_remind(self):
        """Remind whoever has not acknowledged the version in force, every
        ``credit_policy_reminder_days`` of the company: one message per version and language
        to all of them at once. Users who got a credit role since the publication are asked
        too; archived users are not reminded."""
        Acknowledgement = self.env["credit.policy.acknowledgement"].sudo()
        now = fields.Datetime.now()
        for policy in self.sudo().search([("state", "=", "published")]):
            days = policy.company_id.credit_policy_reminder_days
            if days <= 0:
                continue
            policy._ask_new_readers()
            due = now - timedelta(days=days)
            late = Acknowledgement.search(
                [
                    ("policy_id", "=", policy.id),
                    ("state", "=", "pending"),
                    ("user_id.active", "=", True),
                    ("create_date", "<=", due),
                    "|",
                    ("reminded_date", "=", False),
                    ("reminded_date", "<=", due),
                ]
            )
            for lang in set(late.user_id.mapped("lang")):
                readers = late.user_id.filtered(lambda u, lang=lang: u.lang == lang)
                localized = policy.with_context(lang=lang)
                localized.message_notify(
                    partner_ids=readers.partner_id.ids,
                    subject=localized.env._("Reminder: %(policy)s", policy=policy.display_name),
                    body=localized.env._(
                        "You have not yet acknowledged %(policy)s, in force since %(date)s. "
                        "Please read it and press Acknowledge.",
                        policy=policy.display_name,
                        date=policy.effective_date,
                    ),
                )
            for count in set(late.mapped("reminder_count")):
                late.filtered(
                    lambda a, count=count: a.reminder_count == count
                )._credit_workflow_write({"reminded_date": now, "reminder_count": count + 1})

    def _ask_new_readers(self):
        """Acknowledgements (and activities) for the readers who have none yet."""
        self.ensure_one()
        missing = self._readers() - self.acknowledgement_ids.user_id
        if not missing:
            return
        self.env["credit.policy.acknowledgement"]._credit_workflow_create(
            [{"policy_id": self.id, "user_id": user.id} for user in missing]
        )
        self._schedule_acknowledgements(missing)


class CreditPolicyAcknowledgement(models.Model):
    """Who has acknowledged a published version, and when (P6.3)."""

    _name = "credit.policy.acknowledgement"
    _description = "Credit Policy Acknowledgement"
    _inherit = "credit.guarded"
    _order = "policy_id desc, state desc, user_id"

    _credit_append_only = True

    policy_id = fields.Many2one("credit.policy", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    user_id = fields.Many2one("res.users", required=True, index=True)
    state = fields.Selection(
        [("pending", "Not Yet Acknowledged"), ("done", "Acknowledged")],
        string="Status",
        default="pending",
        required=True,
    )
    date = fields.Datetime(string="Acknowledged On")
    reminded_date = fields.Datetime(string="Last Reminder")
    reminder_count = fields.Integer(string="Reminders")

    _sql_constraints = (
        (
            "policy_user_uniq",
            "unique(policy_id, user_id)",
            "A user acknowledges a policy version once.",
        ),
    )
