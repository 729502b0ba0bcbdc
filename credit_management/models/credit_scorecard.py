from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.float_utils import float_compare

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
        for scorecard in self:
            if float_compare(sum(scorecard.criterion_ids.mapped("weight")), 100.0, 2) != 0:
                raise ValidationError(
                    self.env._(
                        "The weights of the criteria of %(scorecard)s add up to %(total)s: they "
                        "must add up to 100.",
                        scorecard=scorecard.name,
                        total=round(sum(scorecard.criterion_ids.mapped("weight")), 2),
                    )
                )


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
