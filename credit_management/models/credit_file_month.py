from odoo import fields, models
from odoo.tools import SQL, drop_view_if_exists


class CreditFileMonth(models.Model):
    """Transactions of a customer per month, read from accounting in one query (a view)."""

    _name = "credit.file.month"
    _description = "Credit File Monthly Summary"
    _auto = False
    _order = "month desc"

    file_id = fields.Many2one("credit.file", readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(readonly=True)
    invoice_count = fields.Integer(readonly=True)
    invoiced = fields.Monetary(readonly=True)
    paid = fields.Monetary(string="Paid (of these invoices)", readonly=True)
    avg_days_to_pay = fields.Float(readonly=True)
    overdue = fields.Monetary(string="Still Overdue", readonly=True)

    def init(self):
        """One row per credit file and month: the invoices of the file's customer in every
        company of the file's company scope (res.company._credit_scope_ids)."""
        drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW credit_file_month AS (
                    -- a stable id: the file and the month (a list opened now still finds
                    -- its rows once new months or files appear)
                    SELECT f.id::bigint * 100000
                           + EXTRACT(YEAR FROM date_trunc('month', am.invoice_date))::int * 12
                           + EXTRACT(MONTH FROM date_trunc('month', am.invoice_date))::int AS id,
                           f.id AS file_id, f.partner_id, f.company_id,
                           date_trunc('month', am.invoice_date)::date AS month,
                           COUNT(*) AS invoice_count,
                           SUM(am.amount_total_signed) AS invoiced,
                           SUM(am.amount_total_signed - am.amount_residual_signed) AS paid,
                           AVG(paid.paid_on - am.invoice_date)
                               FILTER (WHERE am.payment_state IN ('paid', 'in_payment'))
                               AS avg_days_to_pay,
                           SUM(am.amount_residual_signed)
                               FILTER (WHERE am.invoice_date_due < CURRENT_DATE) AS overdue
                      FROM credit_file f
                      JOIN res_company file_company ON file_company.id = f.company_id
                      JOIN account_move am ON am.commercial_partner_id = f.partner_id
                      JOIN res_company move_company ON move_company.id = am.company_id
                                                   AND %(same_scope)s
                      LEFT JOIN LATERAL (SELECT %(paid_on)s AS paid_on) paid ON TRUE
                     WHERE am.move_type = 'out_invoice' AND am.state = 'posted'
                  GROUP BY f.id, f.partner_id, f.company_id, date_trunc('month', am.invoice_date)
                )
                """,
                same_scope=self.env["res.company"]._credit_same_scope_sql(
                    "file_company", "move_company"
                ),
                paid_on=self.env["credit.exposure"]._paid_on_sql("am"),
            )
        )
