from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.float_utils import float_compare

# Cursor cache key: scorecards being written as a whole (their criteria change together and
# the total is checked once at the end). Not a context key: that could be forged over RPC.
EDITING = "credit_management.scorecards_editing"

# P3.1.1: the four dimensions of the policy.
CRITERION_KINDS = [
    ("financial", "Financial Condition"),
    ("reputation", "Industry Reputation"),
    ("history", "Credit History"),
    ("payment", "Payment Record"),
    ("other", "Other"),
]


class CreditScorecard(models.Model):
    """Weighted criteria that finance scores an assessment with (weights add up to 100)."""

    _name = "credit.scorecard"
    _description = "Credit Scorecard"
    _inherit = ("mail.thread",)
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Empty: the scorecard is available to every company."
    )
    criterion_ids = fields.One2many("credit.scorecard.criterion", "scorecard_id", copy=True)
    total_weight = fields.Float(compute="_compute_total_weight")

    @api.depends("criterion_ids.weight")
    def _compute_total_weight(self):
        for scorecard in self:
            scorecard.total_weight = sum(scorecard.criterion_ids.mapped("weight"))

    @api.constrains("criterion_ids")
    def _check_weights(self):
        editing = self.env.cr.cache.get(EDITING, set())
        for scorecard in self.exists():
            if scorecard.id in editing:
                continue
            if float_compare(sum(scorecard.criterion_ids.mapped("weight")), 100.0, 2) != 0:
                raise ValidationError(
                    self.env._(
                        "The weights of the criteria of %(scorecard)s add up to %(total)s: they "
                        "must add up to 100.",
                        scorecard=scorecard.name,
                        total=round(sum(scorecard.criterion_ids.mapped("weight")), 2),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        editing = self.env.cr.cache.setdefault(EDITING, set())
        editing.add(0)  # criteria created with their new scorecard
        try:
            scorecards = super().create(vals_list)
        finally:
            editing.discard(0)
        scorecards._check_weights()
        return scorecards

    def write(self, vals):
        editing = self.env.cr.cache.setdefault(EDITING, set())
        ids = set(self.ids) - editing
        editing.update(ids)
        try:
            res = super().write(vals)
        finally:
            editing.difference_update(ids)
        self._check_weights()
        return res
