from datetime import timedelta

from odoo import api, fields, models
from odoo.http import request

ACCESS_CHANNELS = [
    ("list", "List"),
    ("form", "Form"),
    ("download", "Download"),
    ("export", "Export"),
    ("rpc", "RPC"),
]
# The same opening seen again within these minutes is not logged again.
REPEAT_MINUTES = 10
# A list row of the log names its first records.
LIST_NAMES = 5


class CreditAccessLog(models.Model):
    """Every opening of a credit file, an assessment or an assessment's documents: who, when,
    what, how (a list, a form, a download, an export, a program's RPC read), from where.
    Logged once per opening: the same person opening the same thing the same way again within
    a few minutes (a reload, a save) is the same opening. Auditors read it; nobody but the
    superuser changes it."""

    _name = "credit.access.log"
    _description = "Credit Access Log"
    _inherit = ("credit.guarded",)
    _credit_append_only = True
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
