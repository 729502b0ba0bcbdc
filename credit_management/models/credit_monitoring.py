from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, plaintext2html

from .credit_cron import run_in_batches


class CreditEventMonitoring(models.Model):
    """The monitoring crons that write credit events (P3.3, P4.2.3):

    * the daily overdue check: one open overdue event per customer, escalated by days overdue,
      with activities at each level, an automatic hold at the company's level, closed (and the
      automatic hold lifted) once the customer has paid;
    * the weekly early warning (P3.3.1 indicators, P3.3.3 periodic risk analysis): indicators
      per customer from the exposure snapshots, payments, orders, rating history and open
      events; a customer showing enough signals goes on the watch list with an early-warning
      event that asks sales and finance for a response strategy.
    """

    _inherit = "credit.event"

    event_type = fields.Selection(
        selection_add=[("early_warning", "Early Warning")], ondelete={"early_warning": "cascade"}
    )

    escalation_level = fields.Integer(readonly=True, tracking=True)
    overdue_days = fields.Integer(string="Days Overdue", readonly=True)
    auto_hold = fields.Boolean(
        string="Automatic Hold",
        readonly=True,
        help="The overdue check placed the customer on hold; it lifts the hold when paid.",
    )

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
    def _overdue_level(self, company, days):
        thresholds = company._credit_overdue_thresholds()
        return sum(1 for threshold in thresholds if days >= threshold)

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
        events = self._open_cron_events(company, "overdue_check")
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
        """Daily cron: a customer whose event is up to date is not work any more, so the
        check is idempotent and resumes after a kill (see credit_cron.run_in_batches)."""

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
                    item._overdue_close()
                else:
                    item._deadline_escalate(extra)

        return run_in_batches(self.env, work, process, batch_size)

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
            event = self._open_monitoring_event(
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

    @api.model
    def _open_monitoring_event(self, company, partner, event_type, vals):
        """An event opened by a cron (its origin says which): the cron schedules its
        activities itself."""
        return self.sudo().create(
            {"partner_id": partner.id, "company_id": company.id, "event_type": event_type} | vals
        )

    @api.model
    def _deadline_work(self, company):
        """Reported events finance has not taken up by their deadline: ``[(event, level)]``
        where the days past the deadline reach a new escalation level (the overdue levels)."""
        today = fields.Date.context_today(self)
        events = self.sudo().search(
            [
                ("origin", "=", "reported"),
                ("state", "=", "open"),
                ("deadline", "<", today),
                ("company_id", "=", company.id),
            ],
            order="id",
        )
        work = []
        for event in events:
            level = self._overdue_level(company, (today - event.deadline).days)
            if level > event.escalation_level:
                work.append((event, level))
        return work

    def _deadline_escalate(self, level):
        """P3.3.2: an anomaly nobody answered escalates, like an overdue customer: a higher
        level and severity, and activities for the salesperson and finance."""
        self.ensure_one()
        ranks = ("low", "medium", "high", "critical")
        severity = ranks[max(ranks.index(self.severity), min(level, 3))]
        self.sudo().write({"escalation_level": level, "severity": severity})
        self.sudo().message_post(
            body=self.env._(
                "Not answered by its deadline %(deadline)s: escalated to level %(level)s.",
                deadline=fields.Date.to_string(self.deadline),
                level=level,
            )
        )
        self._ask_sales_and_finance(
            self.env._("Unanswered credit event, level %(level)s: agree the response", level=level),
            self.description or self.name,
        )

    def _overdue_escalate(self, level):
        self._ask_sales_and_finance(
            self.env._("Overdue level %(level)s: agree the response", level=level), self.name
        )

    def _ask_sales_and_finance(self, summary, note):
        """An activity for the customer's salesperson and one for the credit controller."""
        self.ensure_one()
        finance = self.company_id._credit_controller()
        for user in (self.user_id | finance).filtered("active"):
            self.sudo().activity_schedule(
                "credit_management.mail_activity_type_credit_event",
                user_id=user.id,
                summary=summary,
                note=plaintext2html(note),
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

    @api.model
    def _early_warning_signals(self, company):
        """``{partner_id: [indicator explanations]}`` for every customer of ``company`` with at
        least one signal: one query per indicator, whatever the number of customers."""
        today = fields.Date.context_today(self)
        quarter, year = today - timedelta(days=90), today - timedelta(days=365)
        signals = {}

        def add(rows, text):
            for row in rows:
                signals.setdefault(row["partner_id"], []).append(text(row))

        self.env["credit.exposure.snapshot"].flush_model()
        self.env["credit.history"].flush_model()
        self.env["credit.event"].flush_model()
        for model in ("account.move", "account.move.line", "sale.order"):
            self.env[model].flush_model()
        threshold = company.credit_warning_threshold
        Rating = self.env["credit.rating"].sudo()
        add(
            self.env.execute_query_dict(
                SQL(
                    "SELECT partner_id, utilization FROM (%s) x WHERE x.utilization >= %s",
                    self.env["credit.exposure"]._exposure_query(company),
                    threshold,
                )
            ),
            lambda r: self.env._(
                "Credit utilisation %(u)s%% (warning from %(t)s%%).",
                u=round(r["utilization"], 1),
                t=round(threshold, 1),
            ),
        )
        add(
            self.env.execute_query_dict(
                SQL(
                    """
                    WITH past_date AS (
                        -- the snapshot of a month ago (or the last one before): without one,
                        -- nothing can be said to be rising
                        SELECT MAX(date) AS date FROM credit_exposure_snapshot
                         WHERE company_id = %(company)s AND date <= %(month_ago)s
                    ),
                    past AS (
                        SELECT s.partner_id, s.overdue
                          FROM credit_exposure_snapshot s JOIN past_date d ON s.date = d.date
                         WHERE s.company_id = %(company)s
                    )
                    SELECT now_.partner_id, now_.overdue AS now, COALESCE(past.overdue, 0) AS past
                      FROM credit_exposure_snapshot now_
                      JOIN past_date ON past_date.date IS NOT NULL
                 LEFT JOIN past ON past.partner_id = now_.partner_id
                     WHERE now_.company_id = %(company)s
                       AND now_.date = (SELECT MAX(date) FROM credit_exposure_snapshot
                                         WHERE company_id = %(company)s)
                       AND now_.overdue > COALESCE(past.overdue, 0) AND now_.overdue > 0
                    """,
                    company=company.id,
                    month_ago=today - timedelta(days=30),
                )
            ),
            lambda r: self.env._(
                "Overdue rising: %(now)s against %(past)s a month ago.",
                now=self.env["credit.decision"]._money(r["now"], company),
                past=self.env["credit.decision"]._money(r["past"], company),
            ),
        )
        add(
            self.env.execute_query_dict(
                SQL(
                    """
                    WITH paid AS (
                        SELECT am.commercial_partner_id AS partner_id,
                               (SELECT MAX(apr.max_date)
                                  FROM account_move_line aml
                                  JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
                                 WHERE aml.move_id = am.id AND aml.display_type = 'payment_term')
                               - am.invoice_date_due AS late,
                               am.invoice_date_due AS due
                          FROM account_move am
                         WHERE am.move_type = 'out_invoice' AND am.state = 'posted'
                           AND am.payment_state IN ('paid', 'in_payment')
                           AND am.company_id = %(company)s
                           AND am.invoice_date_due >= %(half_year)s
                    )
                    SELECT partner_id,
                           AVG(late) FILTER (WHERE due >= %(quarter)s) AS recent,
                           AVG(late) FILTER (WHERE due < %(quarter)s) AS before
                      FROM paid
                  GROUP BY partner_id
                    HAVING AVG(late) FILTER (WHERE due >= %(quarter)s)
                           > COALESCE(AVG(late) FILTER (WHERE due < %(quarter)s), 0) + 5
                    """,
                    company=company.id,
                    quarter=quarter,
                    half_year=today - timedelta(days=180),
                )
            ),
            lambda r: self.env._(
                "Paying slower: %(recent)s days late on average this quarter against %(before)s "
                "the quarter before.",
                recent=round(float(r["recent"]), 1),
                before=round(float(r["before"] or 0), 1),
            ),
        )
        add(
            self.env.execute_query_dict(
                SQL(
                    """
                    SELECT cp.commercial_partner_id AS partner_id,
                           COUNT(*) FILTER (WHERE so.date_order >= %(quarter)s) AS recent,
                           COUNT(*) / 4.0 AS average
                      FROM sale_order so
                      JOIN res_partner cp ON cp.id = so.partner_id
                     WHERE so.state = 'sale' AND so.company_id = %(company)s
                       AND so.date_order >= %(year)s
                  GROUP BY cp.commercial_partner_id
                    HAVING COUNT(*) >= 4
                       AND COUNT(*) FILTER (WHERE so.date_order >= %(quarter)s) < COUNT(*) / 8.0
                    """,
                    company=company.id,
                    quarter=quarter,
                    year=year,
                )
            ),
            lambda r: self.env._(
                "Ordering less: %(recent)s orders this quarter against %(average)s a quarter "
                "over the last 12 months.",
                recent=r["recent"],
                average=round(float(r["average"]), 1),
            ),
        )
        add(
            self.env.execute_query_dict(
                SQL(
                    """
                    SELECT h.partner_id, h.old_rating_id, h.new_rating_id
                      FROM credit_history h
                      JOIN credit_rating new_ ON new_.id = h.new_rating_id
                      JOIN credit_rating old_ ON old_.id = h.old_rating_id
                     WHERE h.kind = 'rating' AND h.company_id = %(company)s
                       AND h.date >= %(quarter)s AND new_.min_score < old_.min_score
                    """,
                    company=company.id,
                    quarter=quarter,
                )
            ),
            lambda r: self.env._(
                "Rating downgraded from %(old)s to %(new)s.",
                old=Rating.browse(r["old_rating_id"]).name,
                new=Rating.browse(r["new_rating_id"]).name,
            ),
        )
        add(
            self.env.execute_query_dict(
                SQL(
                    """
                    SELECT partner_id, COUNT(*) AS events FROM credit_event
                     WHERE state != 'resolved' AND company_id = %(company)s
                       AND origin != 'early_warning'
                  GROUP BY partner_id
                    """,
                    company=company.id,
                )
            ),
            lambda r: self.env._("%(n)s open credit events.", n=r["events"]),
        )
        return signals

    @api.model
    def _cron_early_warning(self, batch_size=100):
        """Weekly cron: a customer whose open early-warning event already lists the same
        signals is not work, so the cron is idempotent and resumes after a kill."""

        def process(company, items):
            for partner_id, lines in items:
                self._early_warning_raise(company, partner_id, lines)

        return run_in_batches(self.env, self._early_warning_work, process, batch_size)

    @api.model
    def _early_warning_work(self, company):
        signals = self._early_warning_signals(company)
        minimum = company.credit_warning_signals
        flagged = {pid: lines for pid, lines in signals.items() if len(lines) >= minimum}
        open_events = self._open_cron_events(company, "early_warning", list(flagged))
        current = {event.partner_id.id: event.description for event in open_events}
        return [
            (pid, lines)
            for pid, lines in sorted(flagged.items())
            if current.get(pid) != "\n".join(lines)
        ]

    @api.model
    def _early_warning_raise(self, company, partner_id, lines):
        partner = self.env["res.partner"].browse(partner_id).with_company(company).sudo()
        description = "\n".join(lines)
        event = self._open_cron_events(company, "early_warning", partner.ids)[:1]
        summary = self.env._(
            "Early warning: %(partner)s shows %(n)s risk signals",
            partner=partner.display_name,
            n=len(lines),
        )
        if event:
            event.write({"name": summary, "description": description})
        else:
            event = self._open_monitoring_event(
                company,
                partner,
                "early_warning",
                {
                    "name": summary,
                    "origin": "early_warning",
                    "severity": "high" if len(lines) > company.credit_warning_signals else "medium",
                    "description": description,
                },
            )
            event._ask_sales_and_finance(
                self.env._("Early warning: agree a response strategy"), description
            )
        if partner.credit_status in (False, "not_assessed", "approved"):
            partner.with_context(credit_change_reason=summary).write({"credit_status": "watch"})
        return event
