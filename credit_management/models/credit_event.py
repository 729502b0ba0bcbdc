from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, plaintext2html

EVENT_TYPES = [
    ("overdue", "Overdue"),
    ("default", "Default / Breach"),
    ("returned_payment", "Returned Payment / Bounced Cheque"),
    ("limit_exceeded", "Limit Exceeded"),
    ("rating_change", "Rating Change"),
    ("legal", "Legal / Insolvency News"),
    ("other", "Other"),
]
SEVERITIES = [("low", "Low"), ("medium", "Medium"), ("high", "High"), ("critical", "Critical")]
EVENT_STATES = [("open", "Open"), ("in_progress", "In Progress"), ("resolved", "Resolved")]
ANALYST = "credit_management.group_credit_analyst"


class CreditEvent(models.Model):
    """An anomaly in a customer's credit (P3.3.2, P4.2.3): reported at once by sales or found by
    finance, handled with a response plan agreed between them, and resolved."""

    _name = "credit.event"
    _description = "Credit Event"
    _inherit = ("mail.thread", "mail.activity.mixin")
    _order = "date desc, id desc"

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
    resolution = fields.Text(tracking=True)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            partner = self.env["res.partner"].browse(vals.get("partner_id"))
            if partner:
                vals["partner_id"] = partner.commercial_partner_id.id
                vals.setdefault("user_id", partner.commercial_partner_id.user_id.id)
        events = super().create(vals_list)
        for event in events:
            self.env["credit.file"]._for_partner(event.partner_id, event.company_id)
            if self.env.context.get("credit_event_no_activity"):
                continue  # the overdue check schedules its own, per escalation level
            event.sudo().activity_schedule(
                "credit_management.mail_activity_type_credit_event",
                date_deadline=event.deadline or fields.Date.context_today(self),
                user_id=event.company_id._credit_controller().id or self.env.uid,
                summary=self.env._("Credit event: %(event)s", event=event.name),
                note=plaintext2html(event.description or ""),
            )
        return events

    def write(self, vals):
        if "state" in vals and not self.env.su:
            raise UserError(self.env._("A credit event changes state through its buttons."))
        return super().write(vals)

    def _check_finance(self):
        if not self.env.su and not self.env.user.has_group(ANALYST):
            raise UserError(self.env._("Only finance handles credit events."))

    def action_start(self):
        self._check_finance()
        self.filtered(lambda e: e.state == "open").sudo().write({"state": "in_progress"})
        return True

    def action_resolve(self):
        self._check_finance()
        for event in self:
            if not (event.resolution or "").strip():
                raise UserError(self.env._("Write how %(event)s was resolved.", event=event.name))
        self.sudo().write({"state": "resolved"})
        activity_type = self.env.ref("credit_management.mail_activity_type_credit_event")
        self.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        ).action_feedback(feedback=self.env._("Resolved"))
        return True

    def action_hold_customer(self):
        """Finance places the customer on hold from the event, in one click."""
        self._check_finance()
        for event in self:
            partner = event.partner_id.with_company(event.company_id)
            if partner.credit_status in ("hold", "blocked"):
                continue
            partner.with_context(credit_change_reason=event.name).write(
                {
                    "credit_status": "hold",
                    "credit_hold_reason": self.env._(
                        "Credit event %(event)s: %(description)s",
                        event=event.name,
                        description=event.description or "",
                    ),
                }
            )
            event.message_post(
                body=self.env._("%(partner)s placed on hold.", partner=partner.display_name)
            )
        self.action_start()
        return True


class CreditEventOverdue(models.Model):
    """The daily overdue check (P3.3, P4.2.3): one open overdue event per customer, escalated
    by days overdue, with activities at each level, an automatic hold at the company's level,
    closed (and the automatic hold lifted) once the customer has paid."""

    _inherit = "credit.event"

    escalation_level = fields.Integer(readonly=True, tracking=True)
    overdue_days = fields.Integer(string="Days Overdue", readonly=True)
    auto_hold = fields.Boolean(
        string="Automatic Hold",
        readonly=True,
        help="The overdue check placed the customer on hold; it lifts the hold when paid.",
    )

    @api.model
    def _overdue_level(self, company, days):
        thresholds = company._credit_overdue_thresholds()
        return sum(1 for threshold in thresholds if days >= threshold)

    @api.model
    def _overdue_work(self, company):
        """What the check has to do in ``company``: overdue customers whose event is missing or
        out of date, and open overdue events of customers who have paid. Two queries."""
        rows = self.env.execute_query_dict(
            SQL(
                "SELECT partner_id, overdue, overdue_days FROM (%s) x"
                " WHERE x.overdue > 0 AND x.overdue_days > %s",
                self.env["credit.exposure"]._exposure_query(company),
                company.credit_overdue_grace_days,
            )
        )
        overdue = {row["partner_id"]: row for row in rows}
        events = self.sudo().search(
            [
                ("event_type", "=", "overdue"),
                ("state", "!=", "resolved"),
                ("company_id", "=", company.id),
            ]
        )
        by_partner = {event.partner_id.id: event for event in events}
        currency = company.currency_id
        to_update = [
            row
            for partner_id, row in overdue.items()
            if partner_id not in by_partner
            or by_partner[partner_id].overdue_days != row["overdue_days"]
            or currency.compare_amounts(by_partner[partner_id].amount, row["overdue"]) != 0
        ]
        to_close = events.filtered(lambda e: e.partner_id.id not in overdue)
        return to_update, to_close, by_partner

    @api.model
    def _cron_overdue_check(self, batch_size=200):
        """Daily cron, one batch per call (Odoo's cron runner commits between calls and calls
        again while work remains): idempotent, since a customer whose event is up to date is
        not work any more."""
        companies = (
            self.env["res.company"]
            .sudo()
            .search([("credit_control_enabled", "=", True)], order="id")
        )
        done = remaining = 0
        for company in companies:
            to_update, to_close, by_partner = self._overdue_work(company)
            budget = batch_size - done
            if budget <= 0:
                remaining += len(to_update) + len(to_close)
                continue
            batch_update = to_update[:budget]
            batch_close = to_close[: max(budget - len(batch_update), 0)]
            for row in batch_update:
                self._overdue_update(company, row, by_partner.get(row["partner_id"]))
            batch_close._overdue_close()
            done += len(batch_update) + len(batch_close)
            remaining += len(to_update) - len(batch_update) + len(to_close) - len(batch_close)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    @api.model
    def _overdue_update(self, company, row, event):
        partner = self.env["res.partner"].browse(row["partner_id"]).with_company(company).sudo()
        days, amount = row["overdue_days"], row["overdue"]
        level = self._overdue_level(company, days)
        summary = self.env._(
            "%(partner)s: %(amount)s overdue, the oldest for %(days)s days",
            partner=partner.display_name,
            amount=self.env["credit.decision"]._money(amount, company),
            days=days,
        )
        if not event:
            event = (
                self.sudo()
                .with_context(credit_event_no_activity=True)
                .create(
                    {
                        "name": summary,
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "event_type": "overdue",
                        "severity": "medium",
                        "amount": amount,
                        "overdue_days": days,
                        "escalation_level": 0,
                    }
                )
            )
        previous = event.escalation_level
        event.sudo().write(
            {
                "name": summary,
                "amount": amount,
                "overdue_days": days,
                "escalation_level": level,
                "severity": ("low", "medium", "high", "critical")[min(level, 3)],
            }
        )
        if level > previous:
            event._overdue_escalate(level)
        hold_level = company.credit_overdue_hold_level
        if hold_level and level >= hold_level and partner.credit_status not in ("hold", "blocked"):
            partner.with_context(credit_change_reason=event.name).write(
                {
                    "credit_status": "hold",
                    "credit_hold_reason": self.env._(
                        "Automatic hold by the overdue check (level %(level)s): %(summary)s",
                        level=level,
                        summary=summary,
                    ),
                }
            )
            event.sudo().auto_hold = True
            event.sudo().message_post(body=self.env._("Customer placed on hold automatically."))

    def _overdue_escalate(self, level):
        self.ensure_one()
        finance = self.company_id._credit_controller()
        for user in (self.user_id | finance).filtered("active"):
            self.sudo().activity_schedule(
                "credit_management.mail_activity_type_credit_event",
                user_id=user.id,
                summary=self.env._("Overdue level %(level)s: agree the response", level=level),
                note=plaintext2html(self.name),
            )

    def _overdue_close(self):
        for event in self.sudo():
            event.write(
                {
                    "state": "resolved",
                    "resolution": self.env._(
                        "Paid: nothing is overdue beyond the grace days any more."
                    ),
                }
            )
            event.activity_ids.action_feedback(feedback=self.env._("Paid"))
            partner = event.partner_id.with_company(event.company_id)
            if event.auto_hold and partner.credit_status == "hold":
                partner.with_context(credit_change_reason=event.resolution).write(
                    {"credit_status": "approved", "credit_hold_reason": False}
                )
