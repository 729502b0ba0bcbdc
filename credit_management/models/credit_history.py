from odoo import api, fields, models

from .credit_common import CREDIT_STATUSES

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
    ("temporary", "Temporary Limit"),
]


class CreditHistory(models.Model):
    """One change of a customer's limit, status, rating or score in a company: who, when,
    why, and from which assessment (P3.2.2). Values are kept as amounts, status keys and
    rating ids, and shown in the reader's language: a rating renamed or translated, or two
    companies with a grade of the same name, never confuse the history."""

    _name = "credit.history"
    _description = "Credit Profile Change"
    _inherit = ("credit.guarded",)
    _credit_append_only = True
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
    meeting_decision_id = fields.Many2one("credit.meeting.decision", index="btree_not_null")

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

    @api.depends("kind", "partner_id", "old_value", "new_value")
    @api.depends_context("lang")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for row in self:
            row.display_name = self.env._(
                "%(kind)s of %(partner)s: %(old)s to %(new)s",
                kind=kinds.get(row.kind, ""),
                partner=row.partner_id.display_name or "",
                old=row.old_value or "-",
                new=row.new_value or "-",
            )

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
