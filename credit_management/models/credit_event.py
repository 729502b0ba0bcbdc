from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from .credit_common import ANALYST, OPEN_STATUSES, close_activities, reader_env
from .credit_guarded import SYSTEM, is_credit_workflow

EVENT_TYPES = [
    ("overdue", "Overdue"),
    ("default", "Default / Breach"),
    ("returned_payment", "Returned Payment / Bounced Cheque"),
    ("limit_exceeded", "Limit Exceeded"),
    ("rating_change", "Rating Change"),
    ("legal", "Legal / Insolvency News"),
    ("other", "Other"),
    ("early_warning", "Early Warning"),
]
SEVERITIES = [("low", "Low"), ("medium", "Medium"), ("high", "High"), ("critical", "Critical")]
EVENT_STATES = [("open", "Open"), ("in_progress", "In Progress"), ("resolved", "Resolved")]
EVENT_ORIGINS = [
    ("reported", "Reported"),
    ("overdue_check", "Overdue Check"),
    ("early_warning", "Early Warning"),
]
# Written by the crons and the buttons only, never by a user's create or write.
SYSTEM_FIELDS = ("state", "origin", "escalation_level", "overdue_days", "auto_hold")
# What sales writes on an event after reporting it: the response plan of any event of their
# customers, and the facts of an event they reported while finance has not taken it up. The
# deadline and the severity stay as reported (unanswered events escalate from them).
SALES_FIELDS = {"response_plan"}
REPORTER_FIELDS = {"name", "description", "amount", "event_type", "source_ref"}


class CreditEvent(models.Model):
    """An anomaly in a customer's credit (P3.3.2, P4.2.3): reported at once by sales or found by
    finance, handled with a response plan agreed between them, and resolved. The monitoring
    crons (credit.monitoring) open, escalate and close events of their own origin."""

    _name = "credit.event"
    _description = "Credit Event"
    _inherit = ("mail.thread", "mail.activity.mixin", "credit.guarded")
    _order = "date desc, id desc"
    _credit_guarded_fields = dict.fromkeys(SYSTEM_FIELDS, SYSTEM)

    name = fields.Char(string="Summary", required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda s: s.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    event_type = fields.Selection(
        EVENT_TYPES, string="Type", required=True, default="other", tracking=True
    )
    severity = fields.Selection(SEVERITIES, required=True, default="medium", tracking=True)
    amount = fields.Monetary()
    date = fields.Date(required=True, default=fields.Date.context_today)
    description = fields.Text()
    source_ref = fields.Reference(
        [("sale.order", "Sales Order"), ("account.move", "Invoice"), ("crm.lead", "Opportunity")],
        string="Source Document",
    )
    reported_by_id = fields.Many2one("res.users", default=lambda s: s.env.user, readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", tracking=True)
    deadline = fields.Date(
        tracking=True,
        default=lambda s: fields.Date.context_today(s) + timedelta(days=1),
        help="By when finance and sales agree on the response.",
    )
    response_plan = fields.Text(
        tracking=True, help="The response agreed between sales and finance (P4.2.3)."
    )
    state = fields.Selection(
        EVENT_STATES, required=True, default="open", tracking=True, readonly=True, index=True
    )
    origin = fields.Selection(
        EVENT_ORIGINS,
        required=True,
        default="reported",
        readonly=True,
        index=True,
        help="Reported by a person, or opened by a monitoring cron (which alone updates and "
        "closes its events).",
    )
    resolution = fields.Text(tracking=True)
    # set by the monitoring crons
    escalation_level = fields.Integer(readonly=True, tracking=True)
    overdue_days = fields.Integer(string="Days Overdue", readonly=True)
    auto_hold = fields.Boolean(
        string="Automatic Hold",
        readonly=True,
        help="The overdue check placed the customer on hold; it lifts the hold when paid.",
    )

    def _credit_guard_message(self, fnames, guard):
        return self.env._(
            "The state, origin and escalation of a credit event are set by its buttons and the "
            "monitoring crons."
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            partner = self.env["res.partner"].browse(vals.get("partner_id"))
            if partner:
                vals["partner_id"] = partner.commercial_partner_id.id
                vals.setdefault("user_id", partner.commercial_partner_id.user_id.id)
        events = super().create(vals_list)
        for company in events.company_id:
            self.env["credit.file"]._for_partners(
                events.filtered(lambda e, c=company: e.company_id == c).partner_id, company
            )
        for event in events:
            if event.origin != "reported":
                continue  # the crons schedule their own, per escalation level
            controller = event.company_id._credit_controller()
            event.sudo().activity_schedule(
                "credit_management.mail_activity_type_credit_event",
                date_deadline=event.deadline or fields.Date.context_today(self),
                user_id=controller.id or self.env.uid,
                summary=reader_env(self.env, controller)._(
                    "Credit event: %(event)s", event=event.name
                ),
                note=plaintext2html(event.description or ""),
            )
        return events

    def write(self, vals):
        if not is_credit_workflow(self.env) and not self.env.user.has_group(ANALYST):
            own_open = all(
                event.reported_by_id == self.env.user and event.state == "open" for event in self
            )
            allowed = SALES_FIELDS | (REPORTER_FIELDS if own_open else set())
            if {f for f in vals if not f.startswith(("message_", "activity_"))} - allowed:
                raise UserError(
                    self.env._(
                        "Sales writes the response plan of a credit event (and corrects the "
                        "facts of the events it reported until finance takes them up); the "
                        "rest is finance's."
                    )
                )
        return super().write(vals)

    def _check_finance(self):
        if not is_credit_workflow(self.env) and not self.env.user.has_group(ANALYST):
            raise UserError(self.env._("Only finance handles credit events."))

    def action_start(self):
        self._check_finance()
        self.filtered(lambda e: e.state == "open")._credit_workflow_write({"state": "in_progress"})
        return True

    def action_resolve(self):
        self._check_finance()
        for event in self:
            if not (event.resolution or "").strip():
                raise UserError(self.env._("Write how %(event)s was resolved.", event=event.name))
        self._credit_workflow_write({"state": "resolved"})
        close_activities(
            self, "credit_management.mail_activity_type_credit_event", self.env._("Resolved")
        )
        return True

    def action_hold_customer(self):
        """Finance places the customer on hold from the event, in one click."""
        self._check_finance()
        for event in self:
            partner = event.partner_id.with_company(event.company_id)
            held = partner._credit_set_status(
                "hold",
                event.name,
                hold_reason=self.env._(
                    "Credit event %(event)s: %(description)s",
                    event=event.name,
                    description=event.description or "",
                ),
                only_from=OPEN_STATUSES,
            )
            if held:
                event.message_post(
                    body=self.env._("%(partner)s placed on hold.", partner=partner.display_name)
                )
        self.action_start()
        return True

    # ------------------------------------------------------------------------------------------
    # Events of the monitoring crons
    # ------------------------------------------------------------------------------------------
    @api.model
    def _open_cron_events(self, company, origin, partner_ids=None):
        """The unresolved events a monitoring cron (``origin``) opened in ``company``."""
        domain = [
            ("origin", "=", origin),
            ("state", "!=", "resolved"),
            ("company_id", "=", company.id),
        ]
        if partner_ids is not None:
            domain.append(("partner_id", "in", partner_ids))
        return self.sudo().search(domain)

    @api.model
    def _open_monitoring_event(self, company, partner, event_type, vals):
        """An event opened by a cron (its origin says which): the cron schedules its
        activities itself."""
        return self._credit_workflow_create(
            {"partner_id": partner.id, "company_id": company.id, "event_type": event_type} | vals
        )

    def _ask_sales_and_finance(self, summary, notes=None):
        """An activity for the customer's salesperson and one for the credit controller, on
        each event: all created at once. ``notes``: ``{event id: text}`` (default: the event's
        name). The crons create them by the hundred: the assignees find them in their
        activities, without one e-mail each."""
        activity_type = self.env.ref("credit_management.mail_activity_type_credit_event")
        model_id = self.env["ir.model"]._get_id(self._name)
        deadline = activity_type._get_date_deadline()
        controllers = {company: company._credit_controller() for company in self.company_id}
        vals_list = []
        for event in self:
            note = plaintext2html((notes or {}).get(event.id) or event.name)
            for user in (event.user_id | controllers[event.company_id]).filtered("active"):
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": event.id,
                        "activity_type_id": activity_type.id,
                        "user_id": user.id,
                        "summary": summary,
                        "note": note,
                        "date_deadline": deadline,
                    }
                )
        return (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )
