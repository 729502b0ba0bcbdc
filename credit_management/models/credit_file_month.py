from types import MappingProxyType

from odoo import fields, models
from odoo.tools import SQL, drop_view_if_exists


class CreditFileMonth(models.Model):
    """Transactions of a customer per month (P3.2.1): invoices, credit notes, payments
    received and orders confirmed, read from accounting and sales in one query (a view, so it
    is always what the books say)."""

    _name = "credit.file.month"
    _description = "Credit File Monthly Summary"
    _auto = False
    _order = "month desc"
    _depends = MappingProxyType(
        {
            "credit.file": ("partner_id", "company_id"),
            "account.move": (
                "amount_residual_signed",
                "amount_total_signed",
                "commercial_partner_id",
                "company_id",
                "invoice_date",
                "invoice_date_due",
                "move_type",
                "payment_state",
                "state",
            ),
            "account.payment": (
                "amount_company_currency_signed",
                "company_id",
                "date",
                "partner_id",
                "partner_type",
                "payment_type",
                "state",
            ),
            "sale.order": ("amount_total", "company_id", "currency_rate", "date_order", "state"),
            "res.partner": ("commercial_partner_id",),
        }
    )

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
    credit_note_count = fields.Integer(string="Credit Notes", readonly=True)
    credited = fields.Monetary(readonly=True)
    payment_count = fields.Integer(string="Payments", readonly=True)
    payments = fields.Monetary(string="Received", readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    ordered = fields.Monetary(readonly=True)

    def init(self):
        """One row per credit file and month with any transaction of the file's customer in
        a company of the file's company scope (res.company._credit_scope_ids); amounts in
        company currency."""
        drop_view_if_exists(self.env.cr, self._table)
        same_scope = self.env["res.company"]._credit_same_scope_sql("file_company", "doc_company")
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW credit_file_month AS (
                    WITH files AS (
                        SELECT f.id, f.partner_id, f.company_id, file_company.parent_path
                          FROM credit_file f
                          JOIN res_company file_company ON file_company.id = f.company_id
                    ), moves AS (
                        SELECT f.id AS file_id,
                               date_trunc('month', am.invoice_date)::date AS month,
                               COUNT(*) FILTER (WHERE am.move_type = 'out_invoice')
                                   AS invoice_count,
                               SUM(am.amount_total_signed)
                                   FILTER (WHERE am.move_type = 'out_invoice') AS invoiced,
                               SUM(am.amount_total_signed - am.amount_residual_signed)
                                   FILTER (WHERE am.move_type = 'out_invoice') AS paid,
                               AVG(paid.paid_on - am.invoice_date)
                                   FILTER (WHERE am.move_type = 'out_invoice'
                                             AND am.payment_state IN ('paid', 'in_payment'))
                                   AS avg_days_to_pay,
                               SUM(am.amount_residual_signed)
                                   FILTER (WHERE am.move_type = 'out_invoice'
                                             AND am.invoice_date_due < CURRENT_DATE) AS overdue,
                               COUNT(*) FILTER (WHERE am.move_type = 'out_refund')
                                   AS credit_note_count,
                               -SUM(am.amount_total_signed)
                                   FILTER (WHERE am.move_type = 'out_refund') AS credited
                          FROM files f
                          JOIN res_company file_company ON file_company.id = f.company_id
                          JOIN account_move am ON am.commercial_partner_id = f.partner_id
                          JOIN res_company doc_company ON doc_company.id = am.company_id
                                                      AND %(same_scope)s
                          LEFT JOIN LATERAL (SELECT %(paid_on)s AS paid_on) paid ON TRUE
                         WHERE am.move_type IN ('out_invoice', 'out_refund')
                           AND am.state = 'posted'
                      GROUP BY f.id, date_trunc('month', am.invoice_date)
                    ), payments AS (
                        SELECT f.id AS file_id, date_trunc('month', ap.date)::date AS month,
                               COUNT(*) AS payment_count,
                               SUM(ap.amount_company_currency_signed) AS payments
                          FROM files f
                          JOIN res_company file_company ON file_company.id = f.company_id
                          JOIN res_partner pp ON pp.commercial_partner_id = f.partner_id
                          JOIN account_payment ap ON ap.partner_id = pp.id
                          JOIN res_company doc_company ON doc_company.id = ap.company_id
                                                      AND %(same_scope)s
                         WHERE ap.partner_type = 'customer' AND ap.payment_type = 'inbound'
                           AND ap.state IN ('in_process', 'paid')
                      GROUP BY f.id, date_trunc('month', ap.date)
                    ), orders AS (
                        SELECT f.id AS file_id, date_trunc('month', so.date_order)::date AS month,
                               COUNT(*) AS order_count,
                               SUM(so.amount_total / COALESCE(NULLIF(so.currency_rate, 0), 1))
                                   AS ordered
                          FROM files f
                          JOIN res_company file_company ON file_company.id = f.company_id
                          JOIN res_partner sp ON sp.commercial_partner_id = f.partner_id
                          JOIN sale_order so ON so.partner_id = sp.id
                          JOIN res_company doc_company ON doc_company.id = so.company_id
                                                      AND %(same_scope)s
                         WHERE so.state = 'sale'
                      GROUP BY f.id, date_trunc('month', so.date_order)
                    ), months AS (
                        SELECT file_id, month FROM moves
                        UNION SELECT file_id, month FROM payments
                        UNION SELECT file_id, month FROM orders
                    )
                    -- a stable id: the file and the month (a list opened now still finds
                    -- its rows once new months or files appear)
                    SELECT f.id::bigint * 100000 + EXTRACT(YEAR FROM m.month)::int * 12
                           + EXTRACT(MONTH FROM m.month)::int AS id,
                           f.id AS file_id, f.partner_id, f.company_id, m.month,
                           COALESCE(mv.invoice_count, 0) AS invoice_count, mv.invoiced, mv.paid,
                           mv.avg_days_to_pay, mv.overdue,
                           COALESCE(mv.credit_note_count, 0) AS credit_note_count, mv.credited,
                           COALESCE(pm.payment_count, 0) AS payment_count, pm.payments,
                           COALESCE(od.order_count, 0) AS order_count, od.ordered
                      FROM months m
                      JOIN files f ON f.id = m.file_id
                 LEFT JOIN moves mv ON mv.file_id = m.file_id AND mv.month = m.month
                 LEFT JOIN payments pm ON pm.file_id = m.file_id AND pm.month = m.month
                 LEFT JOIN orders od ON od.file_id = m.file_id AND od.month = m.month
                )
                """,
                same_scope=same_scope,
                paid_on=self.env["credit.exposure"]._paid_on_sql("am"),
            )
        )
