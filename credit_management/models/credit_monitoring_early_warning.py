from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class CreditMonitoringEarlyWarning(models.AbstractModel):
    """The weekly early warning (P3.3.1 indicators, P3.3.3 periodic risk analysis): indicators
    per customer from the exposure, the snapshots, payments, orders, rating history and open
    events; a customer showing enough signals goes on the watch list with an early-warning
    event that asks sales and finance for a response strategy.

    An indicator is a method ``_signal_<code>(company, dates)`` returning
    ``[(partner_id, explanation)]`` in one query for every customer; adding one is one method
    and one entry in :meth:`_early_warning_indicators`."""

    _name = "credit.monitoring.early_warning"
    _inherit = "credit.monitoring"
    _description = "Credit Monitoring: Early Warning"

    @api.model
    def _early_warning_indicators(self):
        return [
            "utilization",
            "overdue_rising",
            "paying_slower",
            "ordering_less",
            "downgraded",
            "open_events",
            "broken_promises",
        ]

    @api.model
    def _cron_early_warning(self, batch_size=5000):
        """Weekly cron: a customer whose open early-warning event already lists the same
        signals is not work. Each batch is written set-based (:meth:`_early_warning_raise`)."""
        return self._run_in_batches(self._early_warning_work, self._early_warning_raise, batch_size)

    @api.model
    def _early_warning_signals(self, company):
        """``{partner_id: [explanations]}`` for every customer of ``company`` with at least one
        signal: one query per indicator, whatever the number of customers."""
        for model in (
            "credit.exposure.snapshot",
            "credit.history",
            "credit.event",
            "account.move",
            "account.move.line",
            "account.partial.reconcile",
            "sale.order",
            "credit.payment.promise",
        ):
            self.env[model].flush_model()
        today = fields.Date.context_today(self)
        dates = {
            "today": today,
            "month_ago": today - timedelta(days=30),
            "quarter": today - timedelta(days=90),
            "half_year": today - timedelta(days=180),
            "year": today - timedelta(days=365),
        }
        signals = {}
        for code in self._early_warning_indicators():
            for partner_id, text in getattr(self, f"_signal_{code}")(company, dates):
                signals.setdefault(partner_id, []).append(text)
        return signals

    @api.model
    def _early_warning_work(self, company):
        signals = self._early_warning_signals(company)
        minimum = company.credit_warning_signals
        flagged = {pid: lines for pid, lines in signals.items() if len(lines) >= minimum}
        open_events = self.env["credit.event"]._open_cron_events(
            company, "early_warning", list(flagged)
        )
        current = {event.partner_id.id: event.description for event in open_events}
        return [
            (pid, lines)
            for pid, lines in sorted(flagged.items())
            if current.get(pid) != "\n".join(lines)
        ]

    @api.model
    def _early_warning_raise(self, company, items):
        """Raise or update the early-warning events of ``items`` (``[(partner_id, lines)]``):
        the missing events created at once with their activities, the others rewritten
        (tracked: a new list of signals is worth a chatter line), and the customers put on the
        watch list together."""
        Event = self.env["credit.event"].sudo()
        partners = (
            self.env["res.partner"]
            .browse([partner_id for partner_id, _lines in items])
            .with_company(company)
            .sudo()
        )
        open_events = {
            event.partner_id.id: event
            for event in Event._open_cron_events(company, "early_warning", partners.ids)
        }
        new_vals = []
        for partner, (_partner_id, lines) in zip(partners, items, strict=True):
            vals = {
                "name": self.env._(
                    "Early warning: %(partner)s shows %(n)s risk signals",
                    partner=partner.display_name,
                    n=len(lines),
                ),
                "description": "\n".join(lines),
            }
            if partner.id in open_events:
                open_events[partner.id]._credit_workflow_write(vals)
            else:
                severity = "high" if len(lines) > company.credit_warning_signals else "medium"
                new_vals.append(
                    vals
                    | {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "event_type": "early_warning",
                        "origin": "early_warning",
                        "severity": severity,
                    }
                )
        created = Event.with_context(mail_create_nolog=True)._credit_workflow_create(new_vals)
        created._ask_sales_and_finance(
            self.env._("Early warning: agree a response strategy"),
            {event.id: event.description for event in created},
        )
        partners._credit_set_status(
            "watch",
            self.env._("Early warning: risk signals (see the customer's early-warning event)"),
            only_from=("not_assessed", "approved"),
        )
        return created

    # ------------------------------------------------------------------------------------------
    # Indicators: each returns [(partner_id, explanation)] for every customer of the company
    # ------------------------------------------------------------------------------------------
    @api.model
    def _signal_utilization(self, company, dates):
        threshold = company.credit_warning_threshold
        rows = self.env.execute_query(
            SQL(
                "SELECT partner_id, utilization FROM (%s) x WHERE x.utilization >= %s",
                self.env["credit.exposure"]._exposure_query(company),
                threshold,
            )
        )
        return [
            (
                partner_id,
                self.env._(
                    "Credit utilisation %(u)s%% (warning from %(t)s%%).",
                    u=round(utilization, 1),
                    t=round(threshold, 1),
                ),
            )
            for partner_id, utilization in rows
        ]

    @api.model
    def _signal_overdue_rising(self, company, dates):
        """Overdue now above what it was in the snapshot of a month ago (or the last one
        before): without such a snapshot, nothing can be said to be rising."""
        rows = self.env.execute_query(
            SQL(
                """
                WITH past_date AS (
                    SELECT MAX(date) AS date FROM credit_exposure_snapshot
                     WHERE company_id = %(company)s AND date <= %(month_ago)s
                ),
                past AS (
                    SELECT s.partner_id, s.overdue
                      FROM credit_exposure_snapshot s JOIN past_date d ON s.date = d.date
                     WHERE s.company_id = %(company)s
                )
                SELECT now_.partner_id, now_.overdue, COALESCE(past.overdue, 0)
                  FROM credit_exposure_snapshot now_
                  JOIN past_date ON past_date.date IS NOT NULL
             LEFT JOIN past ON past.partner_id = now_.partner_id
                 WHERE now_.company_id = %(company)s
                   AND now_.date = (SELECT MAX(date) FROM credit_exposure_snapshot
                                     WHERE company_id = %(company)s)
                   AND now_.overdue > COALESCE(past.overdue, 0) AND now_.overdue > 0
                """,
                company=company.id,
                month_ago=dates["month_ago"],
            )
        )
        money = self.env["credit.decision"]._money
        return [
            (
                partner_id,
                self.env._(
                    "Overdue rising: %(now)s against %(past)s a month ago.",
                    now=money(now, company),
                    past=money(past, company),
                ),
            )
            for partner_id, now, past in rows
        ]

    @api.model
    def _signal_paying_slower(self, company, dates):
        """Invoices due this quarter paid later, on average, than those due the quarter
        before (by more than five days)."""
        rows = self.env.execute_query(
            SQL(
                """
                WITH paid AS (
                    SELECT am.commercial_partner_id AS partner_id,
                           %(paid_on)s - am.invoice_date_due AS late,
                           am.invoice_date_due AS due
                      FROM account_move am
                     WHERE am.move_type = 'out_invoice' AND am.state = 'posted'
                       AND am.payment_state IN ('paid', 'in_payment')
                       AND am.company_id = ANY(%(companies)s)
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
                paid_on=self.env["credit.exposure"]._paid_on_sql("am"),
                companies=company._credit_scope_ids(),
                quarter=dates["quarter"],
                half_year=dates["half_year"],
            )
        )
        return [
            (
                partner_id,
                self.env._(
                    "Paying slower: %(recent)s days late on average this quarter against "
                    "%(before)s the quarter before.",
                    recent=round(float(recent), 1),
                    before=round(float(before or 0), 1),
                ),
            )
            for partner_id, recent, before in rows
        ]

    @api.model
    def _signal_ordering_less(self, company, dates):
        """Fewer than half the usual orders this quarter (at least four in 12 months)."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT cp.commercial_partner_id,
                       COUNT(*) FILTER (WHERE so.date_order >= %(quarter)s),
                       COUNT(*) / 4.0
                  FROM sale_order so
                  JOIN res_partner cp ON cp.id = so.partner_id
                 WHERE so.state = 'sale' AND so.company_id = ANY(%(companies)s)
                   AND so.date_order >= %(year)s
              GROUP BY cp.commercial_partner_id
                HAVING COUNT(*) >= 4
                   AND COUNT(*) FILTER (WHERE so.date_order >= %(quarter)s) < COUNT(*) / 8.0
                """,
                companies=company._credit_scope_ids(),
                quarter=dates["quarter"],
                year=dates["year"],
            )
        )
        return [
            (
                partner_id,
                self.env._(
                    "Ordering less: %(recent)s orders this quarter against %(average)s a "
                    "quarter over the last 12 months.",
                    recent=recent,
                    average=round(float(average), 1),
                ),
            )
            for partner_id, recent, average in rows
        ]

    @api.model
    def _signal_downgraded(self, company, dates):
        rows = self.env.execute_query(
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
                quarter=dates["quarter"],
            )
        )
        Rating = self.env["credit.rating"].sudo()
        return [
            (
                partner_id,
                self.env._(
                    "Rating downgraded from %(old)s to %(new)s.",
                    old=Rating.browse(old_id).name,
                    new=Rating.browse(new_id).name,
                ),
            )
            for partner_id, old_id, new_id in rows
        ]

    @api.model
    def _signal_open_events(self, company, dates):
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner_id, COUNT(*) FROM credit_event
                 WHERE state != 'resolved' AND company_id = %(company)s
                   AND origin != 'early_warning'
              GROUP BY partner_id
                """,
                company=company.id,
            )
        )
        return [
            (partner_id, self.env._("%(n)s open credit events.", n=count))
            for partner_id, count in rows
        ]

    @api.model
    def _signal_broken_promises(self, company, dates):
        rows = self.env.execute_query(
            self.env["credit.payment.promise"]._broken_query(company, dates["year"])
        )
        return [
            (
                partner_id,
                self.env._(
                    "%(broken)s broken promises to pay in 12 months (%(kept)s kept).",
                    broken=broken,
                    kept=kept,
                ),
            )
            for partner_id, broken, kept in rows
        ]
