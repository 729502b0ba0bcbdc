from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .credit_scorecard import CRITERION_KINDS, EDITING


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
