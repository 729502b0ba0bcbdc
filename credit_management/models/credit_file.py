from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import SQL

HISTORY_FIELDS = {
    "credit_limit": "limit",
    "credit_status": "status",
    "credit_rating_id": "rating",
    "credit_score": "score",
}
HISTORY_KINDS = [
    ("limit", "Credit Limit"),
    ("status", "Credit Status"),
    ("rating", "Rating"),
    ("score", "Score"),
]
ACCESS_CHANNELS = [("form", "Form"), ("export", "Export"), ("rpc", "RPC")]


class AppendOnly(models.AbstractModel):
    """Rows kept as written: nobody but the superuser changes or deletes them."""

    _name = "credit.append.only"
    _description = "Append-only Credit Record"

    def write(self, vals):
        if not self.env.su:
            raise UserError(self.env._("These credit records are kept as they were written."))
        return super().write(vals)

    @api.ondelete(at_uninstall=True)
    def _unlink_except_kept(self):
        if not self.env.su:
            raise UserError(self.env._("These credit records are kept as they were written."))


class CreditHistory(models.Model):
    """One change of a customer's limit, status, rating or score in a company: who, when,
    why, and from which assessment (P3.2.2)."""

    _name = "credit.history"
    _description = "Credit Profile Change"
    _inherit = ("credit.append.only",)
    _order = "date desc, id desc"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    file_id = fields.Many2one("credit.file", string="Credit File", index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", required=True, default=lambda s: s.env.user)
    kind = fields.Selection(HISTORY_KINDS, string="Change", required=True)
    old_value = fields.Char()
    new_value = fields.Char()
    reason = fields.Text()
    assessment_id = fields.Many2one("credit.assessment")


class CreditAccessLog(models.Model):
    """Every opening of a credit file or of an assessment's documents: who, when, what, from
    where. Auditors read it; nobody but the superuser changes it."""

    _name = "credit.access.log"
    _description = "Credit Access Log"
    _inherit = ("credit.append.only",)
    _order = "date desc, id desc"

    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one("res.users", required=True, index=True)
    res_model = fields.Char(string="Model", required=True)
    res_id = fields.Integer(string="Record", required=True)
    record_name = fields.Char(string="What")
    channel = fields.Selection(ACCESS_CHANNELS, required=True)
    ip_address = fields.Char(string="IP Address")

    @api.model
    def _log(self, records, channel):
        if not records:
            return
        ip = request.httprequest.remote_addr if request else False
        self.sudo().create(
            [
                {
                    "user_id": self.env.uid,
                    "res_model": record._name,
                    "res_id": record.id,
                    "record_name": record.sudo().display_name,
                    "channel": channel,
                    "ip_address": ip,
                }
                for record in records
            ]
        )


class CreditAccessLogged(models.AbstractModel):
    """Records whose every opening is logged: form (web_read), export and RPC reads."""

    _name = "credit.access.logged"
    _description = "Credit Record with Access Log"

    def web_read(self, specification):
        result = super().web_read(specification)
        self.env["credit.access.log"]._log(self, "form")
        return result

    def export_data(self, fields_to_export):
        result = super().export_data(fields_to_export)
        self.env["credit.access.log"]._log(self, "export")
        return result

    def read(self, fields=None, load="_classic_read"):
        result = super().read(fields, load)
        if self._credit_rpc_request("read"):
            self.env["credit.access.log"]._log(self, "rpc")
        return result

    @api.model
    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None, **kwargs):
        result = super().search_read(domain, fields, offset, limit, order, **kwargs)
        if self._credit_rpc_request("search_read"):
            self.env["credit.access.log"]._log(self.browse([row["id"] for row in result]), "rpc")
        return result

    @api.model
    def _credit_rpc_request(self, method):
        """True when the current request is an RPC call of ``method`` (not the web client's
        form or list, which use web_read and web_search_read)."""
        if not request:
            return False
        path = request.httprequest.path
        if path.startswith("/web/dataset/call_kw"):
            return request.params.get("method") == method
        return path.startswith(("/jsonrpc", "/xmlrpc", "/json/"))


class CreditFile(models.Model):
    """The credit file of a customer in a company (P3.2.1): its assessments, the history of
    its credit profile, its credit events, releases of held documents, documents, and a
    summary of transactions per month. Kept by finance (P5.1.1), read by audit."""

    _name = "credit.file"
    _description = "Customer Credit File"
    _inherit = ("mail.thread", "credit.access.logged")
    _order = "partner_id, company_id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    rating_id = fields.Many2one("credit.rating", compute="_compute_profile")
    credit_limit = fields.Monetary(compute="_compute_profile")
    credit_status = fields.Char(compute="_compute_profile", string="Status")
    assessment_ids = fields.Many2many("credit.assessment", compute="_compute_links")
    event_ids = fields.Many2many("credit.event", compute="_compute_links")
    release_ids = fields.Many2many("credit.release", compute="_compute_links")
    document_ids = fields.Many2many("credit.assessment.document", compute="_compute_links")
    history_ids = fields.One2many("credit.history", "file_id", readonly=True)
    month_ids = fields.One2many("credit.file.month", "file_id", readonly=True)
    notes = fields.Html()

    _sql_constraints = (
        (
            "partner_company_unique",
            "UNIQUE(partner_id, company_id)",
            "One credit file per customer and company.",
        ),
    )

    def _compute_profile(self):
        for file in self:
            partner = file.partner_id.with_company(file.company_id).sudo()
            file.rating_id = partner.credit_rating_id
            file.credit_limit = partner.credit_limit
            file.credit_status = dict(
                partner._fields["credit_status"]._description_selection(self.env)
            ).get(partner.credit_status, "")

    def _compute_links(self):
        for file in self:
            domain = [
                ("partner_id", "=", file.partner_id.id),
                ("company_id", "=", file.company_id.id),
            ]
            file.assessment_ids = self.env["credit.assessment"].search(domain)
            file.event_ids = self.env["credit.event"].search(domain)
            file.release_ids = self.env["credit.release"].search(domain)
            file.document_ids = file.assessment_ids.document_ids

    @api.model
    def _for_partner(self, partner, company):
        """The credit file of the commercial partner in the company, created when first needed."""
        commercial = partner.commercial_partner_id
        return self._for_partners(commercial, company)[commercial.id]

    @api.model
    def _for_partners(self, partners, company):
        """``{commercial_partner_id: credit.file}`` for ``partners`` in ``company``: one search,
        and one create for the files still missing."""
        commercial = partners.commercial_partner_id
        File = self.sudo()
        files = {
            file.partner_id.id: file
            for file in File.search(
                [("partner_id", "in", commercial.ids), ("company_id", "=", company.id)]
            )
        }
        missing = [pid for pid in commercial.ids if pid not in files]
        if missing:
            created = File.create(
                [{"partner_id": pid, "company_id": company.id} for pid in missing]
            )
            files.update({file.partner_id.id: file for file in created})
        return files


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
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW credit_file_month AS (
                    SELECT MIN(am.id) AS id, f.id AS file_id,
                           am.commercial_partner_id AS partner_id, am.company_id,
                           date_trunc('month', am.invoice_date)::date AS month,
                           COUNT(*) AS invoice_count,
                           SUM(am.amount_total_signed) AS invoiced,
                           SUM(am.amount_total_signed - am.amount_residual_signed) AS paid,
                           AVG(paid.paid_on - am.invoice_date)
                               FILTER (WHERE am.payment_state IN ('paid', 'in_payment'))
                               AS avg_days_to_pay,
                           SUM(am.amount_residual_signed)
                               FILTER (WHERE am.invoice_date_due < CURRENT_DATE) AS overdue
                      FROM account_move am
                      LEFT JOIN credit_file f ON f.partner_id = am.commercial_partner_id
                                             AND f.company_id = am.company_id
                      LEFT JOIN LATERAL (
                            SELECT MAX(apr.max_date) AS paid_on
                              FROM account_move_line aml
                              JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
                             WHERE aml.move_id = am.id AND aml.display_type = 'payment_term'
                      ) paid ON TRUE
                     WHERE am.move_type = 'out_invoice' AND am.state = 'posted'
                  GROUP BY f.id, am.commercial_partner_id, am.company_id,
                           date_trunc('month', am.invoice_date)
                )
                """
            )
        )
