from odoo import api, fields, models
from odoo.exceptions import ValidationError


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
