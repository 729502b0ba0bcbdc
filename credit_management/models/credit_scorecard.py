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


class CreditScorecardCriterion(models.Model):
    _name = "credit.scorecard.criterion"
    _description = "Credit Scorecard Criterion"
    _order = "sequence, id"

    scorecard_id = fields.Many2one(
        "credit.scorecard", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    kind = fields.Selection(CRITERION_KINDS, required=True, default="other")
    weight = fields.Float(required=True, help="Share of the total score, in %.")
    guidance = fields.Text(translate=True, help="What finance looks at when scoring.")
    level_ids = fields.One2many("credit.scorecard.level", "criterion_id", copy=True)

    @api.model_create_multi
    def create(self, vals_list):
        criteria = super().create(vals_list)
        criteria._check_scorecard_weights(criteria.scorecard_id)
        return criteria

    def write(self, vals):
        scorecards = self.scorecard_id
        res = super().write(vals)
        if {"weight", "scorecard_id"} & set(vals):
            self._check_scorecard_weights(scorecards | self.scorecard_id)
        return res

    def unlink(self):
        scorecards = self.scorecard_id
        res = super().unlink()
        self._check_scorecard_weights(scorecards)
        return res

    def _check_scorecard_weights(self, scorecards):
        """A criterion changed on its own keeps its scorecard's weights at 100 (within the
        scorecard's own write or create, the scorecard checks once at the end)."""
        editing = self.env.cr.cache.get(EDITING, set())
        if 0 in editing:
            return
        scorecards.filtered(lambda sc: sc.id not in editing)._check_weights()

    @api.constrains("weight")
    def _check_weight(self):
        for criterion in self:
            if not 0 < criterion.weight <= 100:
                raise ValidationError(
                    self.env._(
                        "The weight of %(criterion)s must be more than 0 and at most 100.",
                        criterion=criterion.name,
                    )
                )


class CreditScorecardLevel(models.Model):
    _name = "credit.scorecard.level"
    _description = "Credit Scorecard Level"
    _order = "criterion_id, score desc, id"

    criterion_id = fields.Many2one(
        "credit.scorecard.criterion", required=True, ondelete="cascade", index=True
    )
    name = fields.Char(required=True, translate=True)
    score = fields.Float(required=True, help="Score of this level, from 0 to 100.")
    guidance = fields.Text(translate=True)

    @api.constrains("score")
    def _check_score(self):
        for level in self:
            if not 0 <= level.score <= 100:
                raise ValidationError(
                    self.env._("A level scores from 0 to 100 (%(level)s).", level=level.name)
                )
