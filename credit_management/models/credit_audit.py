import random
from datetime import datetime, time, timedelta
from types import MappingProxyType

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .credit_common import AUDITOR
from .credit_compliance import COMPLIANCE_CHECKS
from .credit_guarded import SYSTEM, is_credit_workflow

# what an audit's checks and sample were made on
AUDIT_SCOPE = ("date_from", "date_to", "company_id", "seed", "sample_size", "auditor_id")
# what the auditor writes on a sampled record
SAMPLE_CHECKLIST = (
    "check_documents",
    "check_authority",
    "check_reason",
    "check_policy",
    "reviewed",
    "note",
)
SAMPLE_KINDS = [
    ("assessment", "Assessment"),
    ("release", "Release"),
    ("limit", "Limit Change"),
]
SEVERITIES = [("low", "Low"), ("medium", "Medium"), ("high", "High"), ("critical", "Critical")]
FINDING_ACTIVITY = "credit_management.mail_activity_type_credit_finding"
RECORD_MODELS = [
    ("credit.assessment", "Credit Assessment"),
    ("credit.release", "Release"),
    ("credit.history", "Credit History"),
    ("sale.order", "Sales Order"),
]


def _check_auditor(env):
    if not env.user.has_group(AUDITOR):
        raise AccessError(env._("Internal audit runs the credit audits."))


class CreditAudit(models.Model):
    """An internal audit of the policy's application over a period (P5.1.3): the automated
    compliance checks (the same as the compliance exceptions report), a random sample of the
    period's assessments, releases and limit changes drawn reproducibly from a seed with a
    checklist, and the findings followed up to closure. Internal audit writes its audits and
    findings, and changes nothing else."""

    _name = "credit.audit"
    _description = "Credit Audit"
    _inherit = ("mail.thread", "mail.activity.mixin", "credit.guarded")
    _order = "date_to desc, id desc"

    _credit_guarded_fields = MappingProxyType(dict.fromkeys(("state", "checked_date"), SYSTEM))

    name = fields.Char(required=True, default=lambda self: self.env._("Credit Audit"))
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    auditor_id = fields.Many2one("res.users", default=lambda self: self.env.user, tracking=True)
    state = fields.Selection(
        [("draft", "In Progress"), ("done", "Done")],
        string="Status",
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    checked_date = fields.Datetime(string="Checks Run On", readonly=True, copy=False)
    sample_size = fields.Integer(
        default=5, help="How many of each kind (assessments, releases, limit changes) to draw."
    )
    seed = fields.Integer(
        default=lambda self: random.SystemRandom().randint(1, 999999),
        help="The same seed on the same period draws the same sample.",
    )
    result_ids = fields.One2many("credit.audit.result", "audit_id", string="Compliance Checks")
    sample_ids = fields.One2many("credit.audit.sample", "audit_id")
    finding_ids = fields.One2many("credit.audit.finding", "audit_id")
    conclusion = fields.Html()
    result_count = fields.Integer(compute="_compute_counts")
    finding_count = fields.Integer(compute="_compute_counts")

    @api.depends("result_ids", "finding_ids")
    def _compute_counts(self):
        for audit in self:
            audit.result_count = len(audit.result_ids)
            audit.finding_count = len(audit.finding_ids)

    @api.constrains("date_from", "date_to", "sample_size")
    def _check_period(self):
        for audit in self:
            if audit.date_from > audit.date_to:
                raise ValidationError(self.env._("The audit period ends after it starts."))
            if audit.sample_size < 0:
                raise ValidationError(self.env._("The sample size cannot be negative."))

    @api.model_create_multi
    def create(self, vals_list):
        _check_auditor(self.env)
        return super().create(vals_list)

    def write(self, vals):
        if not is_credit_workflow(self.env):
            _check_auditor(self.env)
            self._credit_check_lock(
                vals,
                {"done"},
                self.env._("A finished audit is kept as it was concluded."),
                allowed=("message_main_attachment_id",),
            )
            if set(vals) & set(AUDIT_SCOPE) and (self.result_ids or self.sample_ids):
                raise UserError(
                    self.env._(
                        "The period, company, seed and sample size of an audit stay as its "
                        "checks and sample were made: start another audit."
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_in_progress(self):
        if any(state == "done" for state in self.mapped("state")):
            raise UserError(self.env._("A finished audit is kept as it was concluded."))

    def _bounds(self):
        """The period as UTC datetimes ``[start, end)`` in the auditor's time zone."""
        zone = pytz.timezone(self.auditor_id.tz or self.company_id.partner_id.tz or "UTC")
        return tuple(
            zone.localize(datetime.combine(day, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
            for day in (self.date_from, self.date_to + timedelta(days=1))
        )

    def _check_in_progress(self):
        _check_auditor(self.env)
        if any(state != "draft" for state in self.mapped("state")):
            raise UserError(self.env._("A finished audit is kept as it was concluded."))

    def action_run_checks(self):
        """Run every compliance check on the period; the results replace the previous run."""
        self._check_in_progress()
        Result = self.env["credit.audit.result"].sudo()
        for audit in self:
            start, end = audit._bounds()
            found = (
                self.env["credit.compliance"]
                .sudo()
                ._find(audit.company_id, None, start, end, audit.date_to)
            )
            Result.search([("audit_id", "=", audit.id)]).unlink()
            Result.create(
                [
                    {
                        "audit_id": audit.id,
                        "check": row["check"],
                        "partner_id": row["partner_id"],
                        "res_ref": row["res_model"] and f"{row['res_model']},{row['res_id']}",
                        "date": row["when"]
                        if isinstance(row["when"], datetime)
                        else row["when"] and datetime.combine(row["when"], time.min),
                        "amount": row["amount"],
                        "detail": row["detail"],
                        "user_id": row["user_id"],
                    }
                    for row in found
                ]
            )
            audit._credit_workflow_write({"checked_date": fields.Datetime.now()})
            audit.message_post(
                body=self.env._(
                    "Compliance checks run: %(count)s exceptions found.", count=len(found)
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _population(self, kind):
        """The records of the period a sample of ``kind`` is drawn from, in id order."""
        self.ensure_one()
        start, end = self._bounds()
        company = self.company_id.id
        if kind == "assessment":
            return (
                self.env["credit.assessment"]
                .sudo()
                .search(
                    [
                        ("company_id", "=", company),
                        ("state", "in", ("approved", "rejected")),
                        ("decision_date", ">=", start),
                        ("decision_date", "<", end),
                    ],
                    order="id",
                )
            )
        if kind == "release":
            return (
                self.env["credit.release"]
                .sudo()
                .search(
                    [("company_id", "=", company), ("date", ">=", start), ("date", "<", end)],
                    order="id",
                )
            )
        return (
            self.env["credit.history"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company),
                    ("kind", "=", "limit"),
                    ("date", ">=", start),
                    ("date", "<", end),
                ],
                order="id",
            )
        )

    def _draw(self):
        """``[(kind, record)]``: ``sample_size`` records of each kind, drawn with a generator
        seeded by the audit's seed: the same seed and period give the same sample."""
        self.ensure_one()
        drawn = []
        for kind, _label in SAMPLE_KINDS:
            population = self._population(kind)
            generator = random.Random(f"{self.seed}-{kind}")
            picked = generator.sample(list(population.ids), min(self.sample_size, len(population)))
            drawn += [(kind, population.browse(record_id)) for record_id in sorted(picked)]
        return drawn

    def action_draw_sample(self):
        self._check_in_progress()
        Sample = self.env["credit.audit.sample"].sudo()
        for audit in self:
            Sample.search([("audit_id", "=", audit.id)]).unlink()
            Sample.create(
                [
                    {
                        "audit_id": audit.id,
                        "kind": kind,
                        "res_ref": f"{record._name},{record.id}",
                        "partner_id": record.partner_id.commercial_partner_id.id,
                    }
                    for kind, record in audit._draw()
                ]
            )
        return True

    def action_done(self):
        self._check_in_progress()
        self._credit_workflow_write({"state": "done"})
        return True


class CreditAuditResult(models.Model):
    """What an automated compliance check found in the audited period."""

    _name = "credit.audit.result"
    _description = "Credit Audit Check Result"
    _order = "audit_id, check, date, id"

    audit_id = fields.Many2one("credit.audit", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="audit_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    check = fields.Selection(selection="_selection_check", string="Compliance Check", required=True)
    partner_id = fields.Many2one("res.partner", string="Customer")
    res_ref = fields.Reference(selection=RECORD_MODELS, string="Record")
    date = fields.Datetime()
    amount = fields.Monetary()
    detail = fields.Text()
    user_id = fields.Many2one("res.users", string="By")

    @api.model
    def _selection_check(self):
        labels = self.env["credit.compliance"]._check_labels()
        return [(code, labels[code]) for code in COMPLIANCE_CHECKS]

    def action_raise_finding(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.audit.finding",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_audit_id": self.audit_id.id,
                "default_partner_id": self.partner_id.id,
                "default_name": dict(self._fields["check"]._description_selection(self.env))[
                    self.check
                ],
                "default_description": self.detail,
            },
        }


class CreditAuditSample(models.Model):
    """A record drawn for the auditor to check by hand, with the checklist."""

    _name = "credit.audit.sample"
    _description = "Credit Audit Sample"
    _order = "audit_id, kind, id"

    audit_id = fields.Many2one("credit.audit", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="audit_id.company_id", store=True)
    kind = fields.Selection(SAMPLE_KINDS, required=True, readonly=True)
    res_ref = fields.Reference(selection=RECORD_MODELS, string="Record", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    check_documents = fields.Boolean(string="Documents Complete")
    check_authority = fields.Boolean(
        string="Within Authority", help="Segregation of duties and the manager threshold."
    )
    check_reason = fields.Boolean(string="Reason Sound")
    check_policy = fields.Boolean(string="As the Policy Says")
    reviewed = fields.Boolean()
    note = fields.Text()

    def write(self, vals):
        if not is_credit_workflow(self.env):
            _check_auditor(self.env)
            if set(vals) - set(SAMPLE_CHECKLIST):
                raise UserError(self.env._("The auditor fills in the checklist of a sample only."))
            if any(state == "done" for state in self.audit_id.mapped("state")):
                raise UserError(self.env._("A finished audit is kept as it was concluded."))
        return super().write(vals)


class CreditAuditFinding(models.Model):
    """An audit finding, with its owner and recommendation, followed up to closure with an
    activity for the owner; open findings come back on the credit meetings' agenda."""

    _name = "credit.audit.finding"
    _description = "Credit Audit Finding"
    _inherit = ("mail.thread", "mail.activity.mixin", "credit.guarded")
    _order = "state desc, due_date, id desc"

    _credit_guarded_fields = MappingProxyType(
        dict.fromkeys(("state", "closed_date", "closed_by_id"), SYSTEM)
    )

    name = fields.Char(string="Finding", required=True, tracking=True)
    audit_id = fields.Many2one("credit.audit", index=True, ondelete="restrict")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one("res.partner", string="Customer")
    description = fields.Text()
    severity = fields.Selection(SEVERITIES, required=True, default="medium", tracking=True)
    owner_id = fields.Many2one(
        "res.users", required=True, tracking=True, domain=[("share", "=", False)]
    )
    recommendation = fields.Text(required=True)
    due_date = fields.Date(required=True, tracking=True)
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")],
        string="Status",
        default="open",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    closing_note = fields.Text(copy=False)
    closed_date = fields.Datetime(readonly=True, copy=False)
    closed_by_id = fields.Many2one("res.users", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        _check_auditor(self.env)
        for vals in vals_list:
            if vals.get("audit_id"):
                vals["company_id"] = self.env["credit.audit"].browse(vals["audit_id"]).company_id.id
        findings = super().create(vals_list)
        for finding in findings:
            finding.activity_schedule(
                FINDING_ACTIVITY,
                date_deadline=finding.due_date,
                user_id=finding.owner_id.id,
                summary=finding.name[:80],
                note=finding.recommendation,
            )
        return findings

    def write(self, vals):
        if not is_credit_workflow(self.env):
            _check_auditor(self.env)
            if {"audit_id", "company_id"} & set(vals):
                raise UserError(self.env._("A finding stays with the audit that found it."))
            self._credit_check_lock(
                vals,
                {"closed"},
                self.env._("A closed finding is kept as it was closed."),
                allowed=("message_main_attachment_id",),
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if not is_credit_workflow(self.env):
            raise UserError(self.env._("Audit findings are kept: close them instead."))

    def action_close(self):
        _check_auditor(self.env)
        if any(state != "open" for state in self.mapped("state")):
            raise UserError(self.env._("This finding is already closed."))
        if any(not (finding.closing_note or "").strip() for finding in self):
            raise UserError(self.env._("Say how the finding was resolved before closing it."))
        self._credit_workflow_write(
            {"state": "closed", "closed_date": fields.Datetime.now(), "closed_by_id": self.env.uid}
        )
        for finding in self:
            finding.sudo().activity_ids.filtered(
                lambda a: a.activity_type_id == self.env.ref(FINDING_ACTIVITY)
            ).action_feedback(feedback=finding.closing_note)
        return True

    def action_raise_improvement(self):
        self.ensure_one()
        return self.env["credit.improvement"]._form_from(self, self.name)
