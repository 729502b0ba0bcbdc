from datetime import timedelta
from types import MappingProxyType

from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.credit_management.models.credit_common import HOLD_STATUSES
from odoo.addons.credit_management.models.credit_exposure import AGING_BUCKETS

# reviews due within these days count as due soon on the dashboard
REVIEW_SOON_DAYS = 30
AGING_LABELS = [
    ("not_due", "Not Due"),
    ("days_1_30", "1-30 Days"),
    ("days_31_60", "31-60 Days"),
    ("days_61_90", "61-90 Days"),
    ("days_91_180", "91-180 Days"),
    ("days_over_180", "Over 180 Days"),
]
UTILIZATION_BANDS = [
    ("no_limit", "No Limit"),
    ("under_50", "Under 50%"),
    ("50_80", "50-80%"),
    ("80_100", "80-100%"),
    ("over_100", "Over the Limit"),
]


class CreditDashboard(models.Model):
    """Finance's credit dashboard: one card per company with what waits for finance (held
    documents and their age, reviews due and overdue, the watch list, overdue receivables,
    customers over their limit, releases this month); each counter opens the records. The
    figures come from the same fields and filters as the screens they open."""

    _name = "credit.dashboard"
    _description = "Credit Dashboard"
    _auto = False
    _order = "company_id"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    held_count = fields.Integer(string="Held Documents", compute="_compute_counters")
    held_oldest_days = fields.Integer(string="Oldest Hold (Days)", compute="_compute_counters")
    held_amount = fields.Monetary(compute="_compute_counters")
    review_soon_count = fields.Integer(string="Reviews Due Soon", compute="_compute_counters")
    review_overdue_count = fields.Integer(string="Reviews Overdue", compute="_compute_counters")
    watch_count = fields.Integer(string="Watch List", compute="_compute_counters")
    event_count = fields.Integer(string="Open Credit Events", compute="_compute_counters")
    overdue_amount = fields.Monetary(string="Overdue", compute="_compute_counters")
    over_limit_count = fields.Integer(string="Over the Limit", compute="_compute_counters")
    release_month_count = fields.Integer(string="Releases This Month", compute="_compute_counters")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS SELECT id, id AS company_id FROM res_company",
                SQL.identifier(self._table),
            )
        )

    def _held_documents(self):
        self.ensure_one()
        return [
            self.env[model]
            .sudo()
            .search([("company_id", "=", self.company_id.id), ("credit_hold_state", "=", "held")])
            for model in ("sale.order", "account.move")
        ]

    def _partner_domain(self, extra):
        return [("parent_id", "=", False), *extra]

    def _review_domains(self):
        today = fields.Date.context_today(self)
        soon = today + timedelta(days=REVIEW_SOON_DAYS)
        return (
            [("credit_next_review_date", ">=", today), ("credit_next_review_date", "<=", soon)],
            [("credit_next_review_date", "<", today)],
        )

    def _compute_counters(self):
        now = fields.Datetime.now()
        month_start = fields.Datetime.to_datetime(fields.Date.context_today(self).replace(day=1))
        for card in self:
            company = card.company_id
            held = card._held_documents()
            dates = [doc.credit_hold_date for docs in held for doc in docs if doc.credit_hold_date]
            card.held_count = sum(len(docs) for docs in held)
            card.held_oldest_days = (now - min(dates)).days if dates else 0
            card.held_amount = sum(doc._credit_amount() for docs in held for doc in docs)
            Partner = self.env["res.partner"].with_company(company)
            soon, overdue = card._review_domains()
            card.review_soon_count = Partner.search_count(card._partner_domain(soon))
            card.review_overdue_count = Partner.search_count(card._partner_domain(overdue))
            card.watch_count = Partner.search_count(
                card._partner_domain([("credit_status", "in", ("watch", *HOLD_STATUSES))])
            )
            card.event_count = self.env["credit.event"].search_count(
                [("company_id", "=", company.id), ("state", "!=", "resolved")]
            )
            aging = self.env["credit.aging.line"]._read_group(
                [("company_id", "=", company.id), ("bucket", "!=", "not_due")],
                aggregates=["residual:sum"],
            )
            card.overdue_amount = aging[0][0] or 0.0
            card.over_limit_count = Partner.search_count(
                card._partner_domain([("credit_over_limit", "=", True)])
            )
            card.release_month_count = self.env["credit.release"].search_count(
                [
                    ("company_id", "=", company.id),
                    ("answer", "=", "release"),
                    ("date", ">=", month_start),
                ]
            )

    # ------------------------------------------------------------------------------------------
    # What each counter opens
    # ------------------------------------------------------------------------------------------
    def _action(self, xmlid, domain=None, context=None, name=None):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        if domain is not None:
            action["domain"] = domain
        if context is not None:
            action["context"] = context
        if name:
            action["name"] = name
        return action

    def action_open_held(self):
        orders, moves = self._held_documents()
        if moves and not orders:
            return self._action(
                "credit_management.account_move_credit_hold_action",
                [("id", "in", moves.ids)],
            )
        return self._action(
            "credit_management.sale_order_credit_hold_action", [("id", "in", orders.ids)]
        )

    def action_open_reviews_soon(self):
        return self._action(
            "credit_management.res_partner_credit_action",
            self._partner_domain(self._review_domains()[0]),
            name=self.env._("Reviews Due Soon"),
        )

    def action_open_reviews_overdue(self):
        return self._action(
            "credit_management.res_partner_credit_action",
            self._partner_domain(self._review_domains()[1]),
            name=self.env._("Reviews Overdue"),
        )

    def action_open_watch(self):
        return self._action(
            "credit_management.res_partner_credit_watch_action",
            self._partner_domain([("credit_status", "in", ("watch", *HOLD_STATUSES))]),
        )

    def action_open_events(self):
        return self._action(
            "credit_management.credit_event_action",
            [("company_id", "=", self.company_id.id), ("state", "!=", "resolved")],
        )

    def action_open_over_limit(self):
        return self._action(
            "credit_management.res_partner_credit_action",
            self._partner_domain([("credit_over_limit", "=", True)]),
            name=self.env._("Customers over the Limit"),
        )

    def action_open_aging(self):
        return self._action(
            "credit_management_reports.credit_aging_line_action",
            [("company_id", "=", self.company_id.id)],
        )

    def action_open_utilization(self):
        return self._action(
            "credit_management_reports.credit_utilization_action",
            [("company_id", "=", self.company_id.id)],
        )

    def action_open_releases(self):
        return self._action(
            "credit_management_reports.credit_release_analysis_action",
            [("company_id", "=", self.company_id.id)],
        )


class CreditAgingLine(models.Model):
    """Each open receivable item of today with its days past due and aging bucket (the
    buckets of the receivable aging report, from the same conditions): overdue by bucket in
    graphs and pivots."""

    _name = "credit.aging.line"
    _description = "Open Receivable by Aging Bucket"
    _auto = False
    _order = "date_maturity, id"
    # flushed before the view is read
    _depends = MappingProxyType(
        {
            "account.move.line": [
                "account_id",
                "amount_residual",
                "company_id",
                "date_maturity",
                "move_id",
                "parent_state",
                "partner_id",
                "reconciled",
            ],
            "account.account": ["account_type"],
            "res.partner": ["commercial_partner_id", "user_id"],
        }
    )

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    salesperson_id = fields.Many2one("res.users", readonly=True)
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    bucket = fields.Selection(AGING_LABELS, readonly=True)
    residual = fields.Monetary(string="Open Amount", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        today = SQL("CURRENT_DATE")
        bucket = SQL(
            "CASE %s END",
            SQL(" ").join(
                SQL("WHEN %s THEN %s", SQL(condition, date=today), key)
                for key, condition in AGING_BUCKETS
            ),
        )
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS
                SELECT x.id, x.company_id, cp.id AS partner_id, cp.user_id AS salesperson_id,
                       x.move_id, x.date_maturity,
                       GREATEST(CURRENT_DATE - x.date_maturity, 0) AS days_overdue,
                       %(bucket)s AS bucket, x.amount_residual AS residual
                  FROM account_move_line x
                  JOIN account_account acc ON acc.id = x.account_id
                  JOIN res_partner p ON p.id = x.partner_id
                  JOIN res_partner cp ON cp.id = p.commercial_partner_id
                 WHERE acc.account_type = 'asset_receivable'
                   AND x.parent_state = 'posted'
                   AND NOT x.reconciled
                   AND x.amount_residual > 0
                """,
                table=SQL.identifier(self._table),
                bucket=bucket,
            )
        )


class CreditUtilization(models.Model):
    """Each customer's utilisation of its limit in the latest exposure snapshot of its company
    (the daily snapshot of the exposure service), banded for the utilisation distribution."""

    _name = "credit.utilization"
    _description = "Credit Utilisation Distribution"
    _auto = False
    _order = "utilization desc, id"
    _depends = MappingProxyType(
        {
            "credit.exposure.snapshot": [
                "company_id",
                "date",
                "limit",
                "partner_id",
                "total",
                "utilization",
            ],
        }
    )

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    date = fields.Date(string="Snapshot of", readonly=True)
    total = fields.Monetary(string="Exposure", readonly=True)
    limit = fields.Monetary(string="Credit Limit", readonly=True)
    utilization = fields.Float(string="Utilisation (%)", readonly=True, aggregator="avg")
    band = fields.Selection(UTILIZATION_BANDS, readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS
                SELECT s.id, s.company_id, s.partner_id, s.date, s.total, s."limit",
                       s.utilization,
                       CASE WHEN COALESCE(s."limit", 0) <= 0 THEN 'no_limit'
                            WHEN s.utilization < 50 THEN 'under_50'
                            WHEN s.utilization < 80 THEN '50_80'
                            WHEN s.utilization <= 100 THEN '80_100'
                            ELSE 'over_100' END AS band
                  FROM credit_exposure_snapshot s
                  JOIN (SELECT company_id, MAX(date) AS date
                          FROM credit_exposure_snapshot GROUP BY company_id) latest
                    ON latest.company_id = s.company_id AND latest.date = s.date
                """,
                table=SQL.identifier(self._table),
            )
        )
