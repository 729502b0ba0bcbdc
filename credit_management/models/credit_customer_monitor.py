from datetime import timedelta
from types import MappingProxyType

from odoo import api, fields, models
from odoo.tools import SQL

from .credit_common import ANALYST, AUDITOR, CREDIT_STATUSES

# the exposure a month ago: the latest snapshot at least this many days old
TREND_DAYS = 28


class CreditCustomerMonitor(models.Model):
    """My customers' credit (P3.3.1, P5.1.2): one row per customer of the current company
    with its exposure (the exposure service's query), available credit, overdue, the trend
    against the exposure of a month ago (the daily snapshots), its credit status, the signals
    of its open early warning and its open credit events. A salesperson sees their own
    customers; finance and audit every customer. Sortable, filterable and groupable as any
    Odoo list, since the figures are columns of one query."""

    _name = "credit.customer.monitor"
    _description = "Customer Credit Monitor"
    _auto = False
    _order = "exposure desc, id"
    _rec_name = "partner_id"
    _depends = MappingProxyType(
        {
            "account.move.line": (
                "amount_residual",
                "balance",
                "date_maturity",
                "parent_state",
                "partner_id",
                "reconciled",
            ),
            "account.move": ("amount_total_signed", "partner_id", "state", "move_type"),
            "sale.order.line": ("price_total", "qty_invoiced", "qty_delivered", "state"),
            "res.partner": ("credit_limit", "credit_status", "customer_rank", "user_id"),
            "credit.event": ("partner_id", "state", "event_type", "description"),
            "credit.exposure.snapshot": ("partner_id", "date", "total"),
            "credit.limit.increase": ("partner_id", "state", "date_start", "date_end", "amount"),
            "credit.insurance": (
                "partner_id",
                "active",
                "date_start",
                "date_end",
                "insured_amount",
            ),
        }
    )

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    credit_limit = fields.Monetary(readonly=True)
    exposure = fields.Monetary(readonly=True)
    available = fields.Monetary(string="Available Credit", readonly=True)
    overdue = fields.Monetary(readonly=True)
    overdue_days = fields.Integer(string="Days Overdue", readonly=True, aggregator="max")
    utilization = fields.Float(string="Utilisation (%)", readonly=True, aggregator="avg")
    exposure_last_month = fields.Monetary(string="Exposure a Month Ago", readonly=True)
    trend = fields.Monetary(
        string="Change in a Month",
        readonly=True,
        help="Exposure now less the exposure of the latest daily snapshot a month old.",
    )
    credit_status = fields.Selection(CREDIT_STATUSES, readonly=True)
    watched = fields.Boolean(string="On the Watch List", readonly=True)
    open_event_count = fields.Integer(string="Open Events", readonly=True)
    signals = fields.Text(string="Early-Warning Signals", readonly=True)

    @property
    def _table_query(self):
        company = self.env.company
        today = fields.Date.context_today(self)
        Partner = self.env["res.partner"].sudo().with_company(company)
        base_limit = SQL("COALESCE(%s, 0)", Partner._field_to_sql("p", "credit_limit"))
        # the limit in force: the exposure service's one formula
        limit, limit_joins = self.env["credit.exposure"]._effective_limit_sql(
            company, today, base_limit
        )
        status = Partner._field_to_sql("p", "credit_status")
        exposure = self.env["credit.exposure"]._exposure_query(company)
        return SQL(
            """
            SELECT p.id AS id, p.id AS partner_id, p.user_id AS user_id,
                   %(company)s AS company_id, %(limit)s AS credit_limit,
                   COALESCE(e.total, 0) AS exposure,
                   CASE WHEN %(limit)s > 0 THEN %(limit)s - COALESCE(e.total, 0) ELSE 0 END
                       AS available,
                   COALESCE(e.overdue, 0) AS overdue, COALESCE(e.overdue_days, 0) AS overdue_days,
                   COALESCE(e.utilization, 0) AS utilization,
                   COALESCE(s.total, 0) AS exposure_last_month,
                   -- no snapshot a month old yet (a new install): no trend rather than all
                   CASE WHEN m.date IS NULL THEN 0
                        ELSE COALESCE(e.total, 0) - COALESCE(s.total, 0) END AS trend,
                   COALESCE(%(status)s, 'not_assessed') AS credit_status,
                   COALESCE(%(status)s = 'watch', FALSE) AS watched,
                   (SELECT COUNT(*) FROM credit_event ev
                     WHERE ev.partner_id = p.id AND ev.company_id = %(company)s
                       AND ev.state != 'resolved') AS open_event_count,
                   (SELECT ev.description FROM credit_event ev
                     WHERE ev.partner_id = p.id AND ev.company_id = %(company)s
                       AND ev.state != 'resolved' AND ev.event_type = 'early_warning'
                  ORDER BY ev.date DESC, ev.id DESC LIMIT 1) AS signals
              FROM res_partner p
                   %(limit_joins)s
         LEFT JOIN (%(exposure)s) e ON e.partner_id = p.id
        CROSS JOIN (SELECT MAX(date) AS date FROM credit_exposure_snapshot
                     WHERE company_id = %(company)s AND date <= %(month_ago)s) m
         LEFT JOIN credit_exposure_snapshot s
                ON s.partner_id = p.id AND s.company_id = %(company)s AND s.date = m.date
             WHERE p.active AND p.parent_id IS NULL
               AND (p.company_id IS NULL OR p.company_id = %(company)s)
               AND (p.customer_rank > 0 OR e.partner_id IS NOT NULL OR %(limit)s > 0)
            """,
            company=company.id,
            limit=limit,
            limit_joins=limit_joins,
            status=status,
            exposure=exposure,
            month_ago=today - timedelta(days=TREND_DAYS),
        )

    @api.model
    def action_open_monitor(self):
        """The list as its user needs it: a salesperson's own customers first; finance and
        audit every customer (their My Customers filter can still be set)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.credit_customer_monitor_action"
        )
        finance = self.env.user.has_group(ANALYST) or self.env.user.has_group(AUDITOR)
        action["context"] = {} if finance else {"search_default_mine": 1}
        return action

    def action_open_customer(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_open_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.credit_event_action"
        )
        action["domain"] = [("partner_id", "=", self.partner_id.id)]
        action["context"] = {"default_partner_id": self.partner_id.id}
        return action
