from odoo import api, fields, models
from odoo.tools import SQL

from .credit_common import OPEN_STATUSES

SEVERITY_RANKS = ("low", "medium", "high", "critical")


class CreditMonitoringOverdue(models.AbstractModel):
    """The daily overdue check (P3.3.2, P4.2.3): one open overdue event per customer overdue
    beyond grace, escalated by days overdue with activities at each level, an automatic hold
    at the company's level, closed (and its automatic hold lifted) once the customer has paid.
    Reported events nobody took up by their deadline escalate the same way."""

    _name = "credit.monitoring.overdue"
    _inherit = "credit.monitoring"
    _description = "Credit Monitoring: Overdue Check"

    @api.model
    def _cron_overdue_check(self, batch_size=200):
        """Daily cron: a customer whose event is up to date is not work any more."""

        def work(company):
            to_update, to_close, by_partner = self._overdue_work(company)
            return (
                [("update", row, by_partner.get(row["partner_id"])) for row in to_update]
                + [("close", event, None) for event in to_close]
                + [("deadline", event, level) for event, level in self._deadline_work(company)]
            )

        def process(company, items):
            for kind, item, extra in items:
                if kind == "update":
                    self._overdue_update(company, item, extra)
                elif kind == "close":
                    self._overdue_close(item)
                else:
                    self._deadline_escalate(item, extra)

        return self._run_in_batches(work, process, batch_size)

    @api.model
    def _overdue_level(self, company, days):
        return sum(1 for threshold in company._credit_overdue_thresholds() if days >= threshold)

    @api.model
    def _overdue_work(self, company):
        """What the check has to do in ``company``: overdue customers whose event is missing or
        out of date, and open overdue events of customers who have paid. Two queries."""
        rows = self.env.execute_query_dict(
            SQL(
                # the amount that counts: net of unapplied credits when the company nets them
                "SELECT partner_id, overdue_net AS overdue, overdue_days FROM (%s) x"
                " WHERE x.is_overdue",
                self.env["credit.exposure"]._exposure_query(company),
            )
        )
        overdue = {row["partner_id"]: row for row in rows}
        events = self.env["credit.event"]._open_cron_events(company, "overdue_check")
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
            event = self.env["credit.event"]._open_monitoring_event(
                company,
                partner,
                "overdue",
                {
                    "name": summary,
                    "origin": "overdue_check",
                    "amount": amount,
                    "overdue_days": days,
                    "escalation_level": 0,
                },
            )
        previous = event.escalation_level
        event._credit_workflow_write(
            {
                "name": summary,
                "amount": amount,
                "overdue_days": days,
                "escalation_level": level,
                "severity": SEVERITY_RANKS[min(level, 3)],
            }
        )
        if level > previous:
            event._ask_sales_and_finance(
                self.env._("Overdue level %(level)s: agree the response", level=level), event.name
            )
        hold_level = company.credit_overdue_hold_level
        if hold_level and level >= hold_level:
            held = partner._credit_set_status(
                "hold",
                event.name,
                hold_reason=self.env._(
                    "Automatic hold by the overdue check (level %(level)s): %(summary)s",
                    level=level,
                    summary=summary,
                ),
                only_from=OPEN_STATUSES,
            )
            if held:
                event._credit_workflow_write({"auto_hold": True})
                event.sudo().message_post(body=self.env._("Customer placed on hold automatically."))

    @api.model
    def _overdue_close(self, events):
        """The customers of ``events`` have paid: the events are resolved and the holds the
        check placed itself are lifted."""
        for event in events.sudo():
            event._credit_workflow_write(
                {
                    "state": "resolved",
                    "resolution": self.env._(
                        "Paid: nothing is overdue beyond the grace days any more."
                    ),
                }
            )
            event.activity_ids.action_feedback(feedback=self.env._("Paid"))
            if event.auto_hold:
                event.partner_id.with_company(event.company_id)._credit_set_status(
                    "approved", event.resolution, only_from=["hold"]
                )

    @api.model
    def _deadline_work(self, company):
        """Reported events finance has not taken up by their deadline: ``[(event, level)]``
        where the days past the deadline reach a new escalation level (the overdue levels)."""
        today = fields.Date.context_today(self)
        events = (
            self.env["credit.event"]
            .sudo()
            .search(
                [
                    ("origin", "=", "reported"),
                    ("state", "=", "open"),
                    ("deadline", "<", today),
                    ("company_id", "=", company.id),
                ],
                order="id",
            )
        )
        work = []
        for event in events:
            level = self._overdue_level(company, (today - event.deadline).days)
            if level > event.escalation_level:
                work.append((event, level))
        return work

    @api.model
    def _deadline_escalate(self, event, level):
        """P3.3.2: an anomaly nobody answered escalates, like an overdue customer: a higher
        level and severity, and activities for the salesperson and finance."""
        severity = SEVERITY_RANKS[max(SEVERITY_RANKS.index(event.severity), min(level, 3))]
        event._credit_workflow_write({"escalation_level": level, "severity": severity})
        event.sudo().message_post(
            body=self.env._(
                "Not answered by its deadline %(deadline)s: escalated to level %(level)s.",
                deadline=fields.Date.to_string(event.deadline),
                level=level,
            )
        )
        event._ask_sales_and_finance(
            self.env._("Unanswered credit event, level %(level)s: agree the response", level=level),
            event.description or event.name,
        )
