from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import SQL

from .credit_status import CREDIT_STATUSES

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
ACCESS_CHANNELS = [
    ("list", "List"),
    ("form", "Form"),
    ("download", "Download"),
    ("export", "Export"),
    ("rpc", "RPC"),
]
# Cursor cache key: depth of the logged calls in progress (only the outermost one logs).
LOGGING = "credit_management.access_logging"
# The same opening seen again within these minutes is not logged again.
REPEAT_MINUTES = 10
# A list row of the log names its first records.
LIST_NAMES = 5


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
    why, and from which assessment (P3.2.2). Values are kept as amounts, status keys and
    rating ids, and shown in the reader's language: a rating renamed or translated, or two
    companies with a grade of the same name, never confuse the history."""

    _name = "credit.history"
    _description = "Credit Profile Change"
    _inherit = ("credit.append.only",)
    _order = "date desc, id desc"

    # a customer with a credit history is archived, not deleted
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    file_id = fields.Many2one("credit.file", string="Credit File", index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", required=True, default=lambda s: s.env.user)
    kind = fields.Selection(HISTORY_KINDS, string="Change", required=True)
    old_amount = fields.Float(help="Old limit or score.")
    new_amount = fields.Float(help="New limit or score.")
    old_status = fields.Selection(CREDIT_STATUSES)
    new_status = fields.Selection(CREDIT_STATUSES, index=True)
    old_rating_id = fields.Many2one("credit.rating", ondelete="restrict")
    new_rating_id = fields.Many2one("credit.rating", ondelete="restrict")
    old_value = fields.Char(compute="_compute_values")
    new_value = fields.Char(compute="_compute_values")
    reason = fields.Text()
    assessment_id = fields.Many2one("credit.assessment")

    @api.model
    def _typed_values(self, kind, old, new):
        """The columns that keep a change of ``kind`` from ``old`` to ``new``."""
        columns = {
            "limit": ("old_amount", "new_amount"),
            "score": ("old_amount", "new_amount"),
            "status": ("old_status", "new_status"),
            "rating": ("old_rating_id", "new_rating_id"),
        }[kind]
        return dict(zip(columns, (old or False, new or False), strict=True))

    @api.depends("kind", "old_amount", "new_amount", "old_status", "new_status")
    @api.depends_context("lang")
    def _compute_values(self):
        statuses = dict(self._fields["new_status"]._description_selection(self.env))
        for row in self:
            if row.kind == "status":
                old, new = statuses.get(row.old_status, ""), statuses.get(row.new_status, "")
            elif row.kind == "rating":
                old, new = row.sudo().old_rating_id.name or "", row.sudo().new_rating_id.name or ""
            else:
                old, new = f"{row.old_amount:.2f}", f"{row.new_amount:.2f}"
            row.old_value, row.new_value = old, new


class CreditAccessLog(models.Model):
    """Every opening of a credit file, an assessment or an assessment's documents: who, when,
    what, how (a list, a form, a download, an export, a program's RPC read), from where.
    Logged once per opening: the same person opening the same thing the same way again within
    a few minutes (a reload, a save) is the same opening. Auditors read it; nobody but the
    superuser changes it."""

    _name = "credit.access.log"
    _description = "Credit Access Log"
    _inherit = ("credit.append.only",)
    _order = "date desc, id desc"

    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one("res.users", required=True, index=True)
    company_id = fields.Many2one("res.company", index=True)
    model_id = fields.Many2one("ir.model", string="What Was Opened", ondelete="cascade")
    res_model = fields.Char(string="Model", required=True)
    res_id = fields.Integer(string="Record", help="0 for a list of several records.")
    record_name = fields.Char(string="Records")
    record_count = fields.Integer(string="Count", default=1)
    channel = fields.Selection(ACCESS_CHANNELS, string="How", required=True)
    ip_address = fields.Char(string="IP Address")

    @api.model
    def _log(self, records, channel):
        """Log that the current user opened ``records`` through ``channel``: one row per
        record for forms, downloads and RPC reads, one row per company for a list or an
        export. Openings already logged in the last minutes are not logged again."""
        records = records.sudo().exists()
        if not records:
            return
        since = fields.Datetime.now() - timedelta(minutes=REPEAT_MINUTES)
        ip = request.httprequest.remote_addr if request else False
        model_id = self.env["ir.model"]._get_id(records._name)
        rows = []
        if channel in ("list", "export"):
            for company in records.company_id or [records.company_id]:
                group = records.filtered(lambda r, c=company: r.company_id == c)
                names = group[:LIST_NAMES].mapped("display_name")
                more = len(group) - len(names)
                rows.append(
                    {
                        "res_id": 0,
                        "company_id": company.id,
                        "record_count": len(group),
                        "record_name": ", ".join(names)
                        + (self.env._(" and %(n)s more", n=more) if more > 0 else ""),
                    }
                )
        else:
            rows = [
                {
                    "res_id": record.id,
                    "company_id": record.company_id.id,
                    "record_name": record.display_name,
                }
                for record in records
            ]
        logged = self.sudo().search_fetch(
            [
                ("user_id", "=", self.env.uid),
                ("res_model", "=", records._name),
                ("channel", "=", channel),
                ("res_id", "in", [row["res_id"] for row in rows]),
                ("date", ">=", since),
            ],
            ["res_id", "record_name"],
        )
        seen = {(entry.res_id, entry.record_name if not entry.res_id else "") for entry in logged}
        vals_list = [
            row
            | {
                "user_id": self.env.uid,
                "model_id": model_id,
                "res_model": records._name,
                "channel": channel,
                "ip_address": ip,
            }
            for row in rows
            if (row["res_id"], row["record_name"] if not row["res_id"] else "") not in seen
        ]
        if vals_list:
            self.sudo().create(vals_list)


class CreditAccessLogged(models.AbstractModel):
    """Records whose every opening is logged: lists and forms of the web client, downloads of
    their files, exports, and reads by programs over RPC (JSON-RPC, XML-RPC, call_kw)."""

    _name = "credit.access.logged"
    _description = "Credit Record with Access Log"
    _credit_access_logged = True

    def _credit_logged_call(self, channel, call, records=None):
        """Run ``call``; log ``channel`` for the outermost logged call only (a form's read
        inside a list, a read inside a form, are the same opening)."""
        cache = self.env.cr.cache
        outer = not cache.get(LOGGING)
        cache[LOGGING] = cache.get(LOGGING, 0) + 1
        try:
            result = call()
        finally:
            cache[LOGGING] -= 1
        if outer and channel:
            self.env["credit.access.log"]._log(records(result) if records else self, channel)
        return result

    @api.model
    def web_search_read(self, domain, specification, offset=0, limit=None, order=None, **kw):
        return self._credit_logged_call(
            "list",
            lambda: super(CreditAccessLogged, self).web_search_read(
                domain, specification, offset=offset, limit=limit, order=order, **kw
            ),
            lambda result: self.browse([row["id"] for row in result["records"]]),
        )

    def web_read(self, specification):
        return self._credit_logged_call(
            "form", lambda: super(CreditAccessLogged, self).web_read(specification)
        )

    def export_data(self, fields_to_export):
        return self._credit_logged_call(
            "export", lambda: super(CreditAccessLogged, self).export_data(fields_to_export)
        )

    def read(self, fields=None, load="_classic_read"):
        return self._credit_logged_call(
            self._credit_rpc_request("read") and "rpc",
            lambda: super(CreditAccessLogged, self).read(fields, load),
        )

    @api.model
    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None, **kwargs):
        return self._credit_logged_call(
            self._credit_rpc_request("search_read") and "rpc",
            lambda: super(CreditAccessLogged, self).search_read(
                domain, fields, offset, limit, order, **kwargs
            ),
            lambda result: self.browse([row["id"] for row in result]),
        )

    # the web client's reads run in read-only transactions (Odoo's api.readonly): these write
    # the log, so they run read/write
    web_search_read._readonly = False
    web_read._readonly = False
    export_data._readonly = False
    read._readonly = False
    search_read._readonly = False

    @api.model
    def _credit_rpc_request(self, method):
        """True when ``method`` is called by a program: over XML-RPC or JSON-RPC (Odoo runs
        those without an HTTP request, as the caller's user), or through call_kw (not the web
        client's forms and lists, which use web_read and web_search_read)."""
        if not request:
            return not self.env.su
        path = request.httprequest.path
        if path.startswith("/web/dataset/call_kw"):
            params = request.params
            return params.get("method") == method and params.get("model") == self._name
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
