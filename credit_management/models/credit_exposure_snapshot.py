from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .credit_exposure import SNAPSHOT_FIGURES


class CreditExposureSnapshot(models.Model):
    """One row per customer, company and day with every exposure bucket, the limit, the
    utilisation, the oldest overdue, the score and the rating (P5.1.2 daily monitoring). Written
    by the daily cron (credit_monitoring_snapshot.py) with one statement per company;
    month-end rows are kept longer. Its figure columns are those of
    ``credit_exposure.EXPOSURE_FIGURES`` marked ``snapshot``."""

    _name = "credit.exposure.snapshot"
    _description = "Customer Credit Exposure Snapshot"
    _order = "date desc, partner_id"
    _rec_name = "partner_id"

    date = fields.Date(required=True, readonly=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    receivable_not_due = fields.Monetary(readonly=True)
    overdue = fields.Monetary(readonly=True)
    unapplied_credits = fields.Monetary(readonly=True)
    draft_invoices = fields.Monetary(readonly=True)
    uninvoiced_orders = fields.Monetary(readonly=True)
    total = fields.Monetary(string="Exposure", readonly=True, aggregator="sum")
    limit = fields.Monetary(string="Credit Limit", readonly=True)
    utilization = fields.Float(string="Utilisation (%)", readonly=True, aggregator="avg")
    overdue_days = fields.Integer(string="Days Overdue", readonly=True, aggregator="max")
    score = fields.Float(readonly=True, aggregator="avg")
    rating_id = fields.Many2one("credit.rating", readonly=True)
    is_month_end = fields.Boolean(readonly=True, index=True)

    _sql_constraints = (
        (
            "one_per_day",
            "UNIQUE(date, partner_id, company_id)",
            "One exposure snapshot per customer, company and day.",
        ),
    )

    @api.model
    def _snapshot_company(self, company, date):
        """Write today's rows of ``company`` in one statement; running it again the same day
        updates the same rows (idempotent)."""
        company = company.sudo()
        Partner = self.env["res.partner"].sudo().with_company(company)
        self.flush_model()
        self.env["res.partner"].flush_model(["credit_rating_id", "credit_score", "credit_limit"])
        month_end = (date + relativedelta(days=1)).month != date.month
        columns = SQL(", ").join(SQL.identifier(name) for name in SNAPSHOT_FIGURES)
        values = SQL(", ").join(SQL.identifier("x", name) for name in SNAPSHOT_FIGURES)
        updates = SQL(", ").join(
            SQL("%s = EXCLUDED.%s", SQL.identifier(name), SQL.identifier(name))
            for name in (*SNAPSHOT_FIGURES, "score", "rating_id", "write_date", "write_uid")
        )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO credit_exposure_snapshot
                       (date, partner_id, company_id, %(columns)s, score, rating_id,
                        is_month_end, create_uid, create_date, write_uid, write_date)
                SELECT %(date)s, x.partner_id, %(company)s, %(values)s,
                       %(score)s, %(rating)s, %(month_end)s,
                       %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM (%(exposure)s) x
                  JOIN res_partner p ON p.id = x.partner_id
                ON CONFLICT (date, partner_id, company_id) DO UPDATE SET %(updates)s
                """,
                columns=columns,
                values=values,
                date=date,
                company=company.id,
                score=SQL("COALESCE(%s, 0)", Partner._field_to_sql("p", "credit_score")),
                rating=Partner._field_to_sql("p", "credit_rating_id"),
                month_end=month_end,
                uid=self.env.uid,
                exposure=self.env["credit.exposure"]._exposure_query(company, date=date),
                updates=updates,
            )
        )
        written = self.env.cr.rowcount
        company.credit_snapshot_date = date
        return written

    @api.model
    def _purge(self, company, date):
        """Retention: daily rows for the company's number of days, month-end rows for its
        number of months."""
        company = company.sudo()
        self.env.cr.execute(
            SQL(
                """
                DELETE FROM credit_exposure_snapshot
                 WHERE company_id = %(company)s
                   AND ((NOT is_month_end AND date < %(daily)s) OR date < %(monthly)s)
                """,
                company=company.id,
                daily=date - relativedelta(days=company.credit_snapshot_keep_days),
                monthly=date - relativedelta(months=company.credit_snapshot_keep_months),
            )
        )
        self.invalidate_model()
