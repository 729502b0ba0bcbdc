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
    def _cron_overdue_check(self, batch_size=5000):
        """Daily cron: a customer whose event is up to date is not work any more. Each batch
        is written set-based (:meth:`_overdue_update`, :meth:`_overdue_close`): the cost of a
        batch is a fixed number of statements, not work per customer."""

        def work(company):
            to_update, to_close, by_partner = self._overdue_work(company)
            return (
                [("update", (row, by_partner.get(row["partner_id"]))) for row in to_update]
                + [("close", event) for event in to_close]
                + [("deadline", item) for item in self._deadline_work(company)]
            )

        def process(company, items):
            by_kind = {"update": [], "close": [], "deadline": []}
            for kind, item in items:
                by_kind[kind].append(item)
            if by_kind["update"]:
                self._overdue_update(company, by_kind["update"])
            if by_kind["close"]:
                self._overdue_close(self.env["credit.event"].union(*by_kind["close"]))
            for event, level in by_kind["deadline"]:
                self._deadline_escalate(event, level)

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
                self.env["credit.exposure"]._exposure_query(company, receivable_only=True),
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
    def _overdue_update(self, company, updates):
        """Bring the overdue events of a batch of customers up to date: ``updates`` is a list
        of ``(row, event)``, ``row`` a line of :meth:`_overdue_work` and ``event`` the
        customer's open event (None: none yet).

        The events missing are created in one go, the day's figures of the others written
        in one statement (they change every day: no chatter line for them), the escalations
        written per level (tracked: the chatter shows them), the activities of the new levels
        created at once, and the customers reaching the company's hold level put on hold
        together, per level."""
        Event = self.env["credit.event"].sudo()
        partners = (
            self.env["res.partner"]
            .browse([row["partner_id"] for row, _event in updates])
            .with_company(company)
            .sudo()
        )
        money = self.env["credit.decision"]._money
        values = {}
        for partner, (row, _event) in zip(partners, updates, strict=True):
            level = self._overdue_level(company, row["overdue_days"])
            values[partner.id] = {
                "name": self.env._(
                    "%(partner)s: %(amount)s overdue, the oldest for %(days)s days",
                    partner=partner.display_name,
                    amount=money(row["overdue"], company),
                    days=row["overdue_days"],
                ),
                "amount": row["overdue"],
                "overdue_days": row["overdue_days"],
                "escalation_level": level,
                "severity": SEVERITY_RANKS[min(level, 3)],
            }
        existing = Event.union(*(event for _row, event in updates if event))
        previous = {event.id: event.escalation_level for event in existing}
        # no "created" note on each: the event is its own record of what the check found
        created = Event.with_context(mail_create_nolog=True)._credit_workflow_create(
            [
                {
                    "partner_id": row["partner_id"],
                    "company_id": company.id,
                    "event_type": "overdue",
                    "origin": "overdue_check",
                }
                | values[row["partner_id"]]
                for row, event in updates
                if not event
            ]
        )
        escalated = Event
        if existing:
            self._overdue_write_figures(existing, values)
            # the level follows the days overdue both ways (tracked); activities only on a rise
            moved = existing.filtered(
                lambda e: values[e.partner_id.id]["escalation_level"] != previous[e.id]
            )
            for level in sorted({values[e.partner_id.id]["escalation_level"] for e in moved}):
                moved.filtered(
                    lambda e, lv=level: values[e.partner_id.id]["escalation_level"] == lv
                )._credit_workflow_write(
                    {"escalation_level": level, "severity": SEVERITY_RANKS[min(level, 3)]}
                )
            escalated = moved.filtered(lambda e: e.escalation_level > previous[e.id])
        raised = (created | escalated).filtered("escalation_level")
        for level in sorted(set(raised.mapped("escalation_level"))):
            raised.filtered(lambda e, lv=level: e.escalation_level == lv)._ask_sales_and_finance(
                self.env._("Overdue level %(level)s: agree the response", level=level)
            )
        self._overdue_hold(company, created | existing)

    @api.model
    def _overdue_write_figures(self, events, values):
        """The day's summary, amount and days overdue of ``events``, in one statement."""
        events.flush_recordset()
        self.env.execute_query(
            SQL(
                """
                UPDATE credit_event e
                   SET name = v.name, amount = v.amount, overdue_days = v.days,
                       write_uid = %(uid)s, write_date = (now() at time zone 'UTC')
                  FROM (VALUES %(rows)s) AS v(id, name, amount, days)
                 WHERE e.id = v.id
                """,
                uid=self.env.uid,
                rows=SQL(", ").join(
                    SQL(
                        "(%s, %s, %s::numeric, %s)",
                        event.id,
                        values[event.partner_id.id]["name"],
                        values[event.partner_id.id]["amount"],
                        values[event.partner_id.id]["overdue_days"],
                    )
                    for event in events
                ),
            )
        )
        events.invalidate_recordset(["name", "amount", "overdue_days", "write_uid", "write_date"])

    @api.model
    def _overdue_hold(self, company, events):
        """Customers whose event reached the company's hold level go on hold (those on hold,
        blocked or with no credit already stay as they are): one status change per level."""
        hold_level = company.credit_overdue_hold_level
        if not hold_level:
            return
        due = events.filtered(lambda e: not e.auto_hold and e.escalation_level >= hold_level)
        if company.credit_promise_softens_overdue:
            # a customer whose promise to pay is in force is not put on hold before its date
            Promise = self.env["credit.payment.promise"]
            today = fields.Date.context_today(self)
            promised = Promise._promised_partners(due.partner_id, company, today)
            due = due.filtered(lambda e: e.partner_id.id not in promised)
        for level in sorted(set(due.mapped("escalation_level"))):
            at_level = due.filtered(lambda e, lv=level: e.escalation_level == lv)
            days = company._credit_overdue_thresholds()[level - 1]
            held = at_level.partner_id.with_company(company)._credit_set_status(
                "hold",
                self.env._(
                    "the overdue check (level %(level)s: overdue for %(days)s days or more)",
                    level=level,
                    days=days,
                ),
                hold_reason=self.env._(
                    "Automatic hold by the overdue check (level %(level)s): overdue for "
                    "%(days)s days or more. See the customer's overdue event.",
                    level=level,
                    days=days,
                ),
                only_from=OPEN_STATUSES,
            )
            placed = at_level.filtered(lambda e, h=held: e.partner_id in h)
            if placed:
                # the customer's chatter and credit history tell the hold; the event says it
                # placed it (and lifts it once paid)
                placed._credit_workflow_write({"auto_hold": True})

    @api.model
    def _overdue_close(self, events):
        """The customers of ``events`` have paid: the events are resolved, their activities
        done and the holds the check placed itself lifted, all at once."""
        events = events.sudo()
        resolution = self.env._("Paid: nothing is overdue beyond the grace days any more.")
        events._credit_workflow_write({"state": "resolved", "resolution": resolution})
        events.activity_ids.action_feedback(feedback=self.env._("Paid"))
        for company in events.filtered("auto_hold").company_id:
            events.filtered(
                lambda e, c=company: e.auto_hold and e.company_id == c
            ).partner_id.with_company(company)._credit_set_status(
                "approved", resolution, only_from=["hold"]
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
            {event.id: event.description or event.name},
        )
