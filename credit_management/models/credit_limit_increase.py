from types import MappingProxyType

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .credit_common import ANALYST, MANAGER, reader_env
from .credit_guarded import SYSTEM

INCREASE_STATES = [
    ("draft", "Draft"),
    ("requested", "Requested"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("expired", "Expired"),
    ("cancelled", "Cancelled"),
]
INCREASE_WORKFLOW = ("state", "approved_by_id", "decision_date", "user_id")
# what the request says: written while it is a draft
INCREASE_TERMS = ("partner_id", "company_id", "amount", "date_start", "date_end", "reason")


class CreditLimitIncrease(models.Model):
    """A temporary increase of a customer's credit limit (a season, a project): requested by
    sales with a reason and dates, approved by finance (not by whoever requested it, and by a
    credit manager when the limit in force would exceed the company's manager amount), added
    to the limit by the exposure service on the days it is in force, expired by the daily
    cron with a message to the salesperson and finance. The credit history keeps the start
    and the end."""

    _name = "credit.limit.increase"
    _description = "Temporary Credit Limit"
    _inherit = ("mail.thread", "mail.activity.mixin", "credit.guarded", "credit.customer.record")
    _order = "date_start desc, id desc"
    _rec_name = "partner_id"

    _credit_guarded_fields = MappingProxyType(dict.fromkeys(INCREASE_WORKFLOW, SYSTEM))

    amount = fields.Monetary(string="Increase", required=True, tracking=True)
    date_start = fields.Date(
        string="From", required=True, default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date(string="Until", required=True, tracking=True)
    reason = fields.Text(required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Requested By",
        default=lambda self: self.env.user,
        readonly=True,
        copy=False,
    )
    state = fields.Selection(
        INCREASE_STATES,
        string="Status",
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    decision_date = fields.Datetime(readonly=True, copy=False)

    @api.constrains("amount", "date_start", "date_end")
    def _check_terms(self):
        for increase in self:
            if increase.currency_id.compare_amounts(increase.amount, 0) <= 0:
                raise ValidationError(self.env._("A temporary increase is a positive amount."))
            if increase.date_end < increase.date_start:
                raise ValidationError(self.env._("A temporary increase ends after it starts."))

    def write(self, vals):
        self._credit_check_lock(
            vals,
            {state for state, _label in INCREASE_STATES} - {"draft"},
            self.env._("A requested increase is decided as it was asked: cancel it first."),
            fnames=INCREASE_TERMS,
        )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(state != "draft" for state in self.mapped("state")):
            raise UserError(self.env._("Only a draft increase can be deleted; cancel it."))

    # -- workflow -----------------------------------------------------------------------------
    def action_request(self):
        self.check_access("write")
        if any(state != "draft" for state in self.mapped("state")):
            raise UserError(self.env._("Only a draft increase can be requested."))
        self._credit_workflow_write({"state": "requested"})
        for increase in self:
            controller = increase.company_id._credit_controller()
            if controller:
                increase.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=controller.id,
                    summary=reader_env(self.env, controller)._(
                        "Decide on a temporary credit limit increase"
                    ),
                )
        return True

    def _check_decider(self):
        if not self.env.user.has_group(ANALYST):
            raise AccessError(self.env._("Finance decides on temporary limit increases."))
        if any(state != "requested" for state in self.mapped("state")):
            raise UserError(self.env._("Only a requested increase can be decided."))

    def action_approve(self):
        """Finance approves: never the requester, and above the company's manager amount
        (the customer's limit plus the increase) a credit manager only."""
        self._check_decider()
        for increase in self:
            if increase.user_id == self.env.user:
                raise AccessError(
                    self.env._("You requested this increase: another finance user approves it.")
                )
            company = increase.company_id
            base = increase.partner_id.with_company(company).sudo().credit_limit
            threshold = company.credit_assessment_manager_amount
            # the increases already approved for days this one covers count too
            overlapping = sum(
                self.sudo()
                .search(
                    [
                        ("partner_id", "=", increase.partner_id.id),
                        ("company_id", "=", company.id),
                        ("state", "=", "approved"),
                        ("date_start", "<=", increase.date_end),
                        ("date_end", ">=", increase.date_start),
                    ]
                )
                .mapped("amount")
            )
            if (
                threshold
                and company.currency_id.compare_amounts(
                    base + overlapping + increase.amount, threshold
                )
                > 0
                and not self.env.user.has_group(MANAGER)
            ):
                raise AccessError(
                    self.env._(
                        "A limit above %(threshold)s needs a credit manager.",
                        threshold=self.env["credit.decision"]._money(threshold, company),
                    )
                )
        self._credit_workflow_write(
            {
                "state": "approved",
                "approved_by_id": self.env.uid,
                "decision_date": fields.Datetime.now(),
            }
        )
        self._record_history(start=True)
        self._close_activities(self.env._("Approved"))
        return True

    def action_reject(self):
        self._check_decider()
        self._credit_workflow_write(
            {"state": "rejected", "approved_by_id": False, "decision_date": fields.Datetime.now()}
        )
        self._close_activities(self.env._("Rejected"))
        for increase in self:
            increase.message_post(
                body=self.env._("The temporary increase is not granted."),
                partner_ids=increase.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
        return True

    def action_cancel(self):
        self.check_access("write")
        if any(state not in ("draft", "requested", "approved") for state in self.mapped("state")):
            raise UserError(self.env._("This increase is already over."))
        ended = self.filtered(lambda i: i.state == "approved")
        if ended and not self.env.user.has_group(ANALYST):
            raise AccessError(self.env._("Finance ends an approved increase."))
        self._credit_workflow_write({"state": "cancelled"})
        ended._record_history(start=False)
        self._close_activities(self.env._("Cancelled"))
        return True

    def _close_activities(self, feedback):
        self.sudo().activity_ids.action_feedback(feedback=feedback)

    def _record_history(self, start):
        """The credit history keeps the increase's start and its end."""
        rows = []
        for increase in self:
            reason = (
                self.env._(
                    "Temporary increase from %(start)s to %(end)s: %(reason)s",
                    start=increase.date_start,
                    end=increase.date_end,
                    reason=increase.reason,
                )
                if start
                else self.env._("Temporary increase ended on %(date)s.", date=fields.Date.today())
            )
            rows.append(
                {
                    "partner_id": increase.partner_id.id,
                    "company_id": increase.company_id.id,
                    "kind": "temporary",
                    "old_amount": 0.0 if start else increase.amount,
                    "new_amount": increase.amount if start else 0.0,
                    "reason": reason,
                    "file_id": self.env["credit.file"]
                    ._for_partner(increase.partner_id, increase.company_id)
                    .id,
                }
            )
        self.env["credit.history"]._credit_workflow_create(rows)

    @api.model
    def _cron_expire(self):
        """End the increases whose last day has passed, telling the salesperson and finance
        (one message each); the history records the end."""
        today = fields.Date.context_today(self)
        over = self.sudo().search([("state", "=", "approved"), ("date_end", "<", today)])
        if not over:
            return
        over._credit_workflow_write({"state": "expired"})
        over._record_history(start=False)
        for increase in over:
            recipients = (
                increase.user_id
                | increase.partner_id.user_id
                | increase.approved_by_id
                | increase.company_id._credit_controller()
            )
            increase.message_post(
                body=self.env._(
                    "The temporary increase of %(amount)s for %(customer)s ended on %(date)s: "
                    "the customer's own limit applies again.",
                    amount=self.env["credit.decision"]._money(increase.amount, increase.company_id),
                    customer=increase.partner_id.display_name,
                    date=increase.date_end,
                ),
                partner_ids=recipients.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
