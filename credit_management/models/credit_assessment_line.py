from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .credit_assessment import ASSESSMENT_STATES
from .credit_common import ANALYST
from .credit_guarded import is_credit_workflow


class CreditAssessmentLine(models.Model):
    """Finance's score of one criterion of an assessment."""

    _name = "credit.assessment.line"
    _description = "Credit Assessment Score"
    _inherit = ("credit.assessment.part",)
    _order = "sequence, id"

    criterion_id = fields.Many2one("credit.scorecard.criterion", required=True, readonly=True)
    sequence = fields.Integer(related="criterion_id.sequence")
    kind = fields.Selection(related="criterion_id.kind")
    weight = fields.Float(related="criterion_id.weight")
    guidance = fields.Text(related="criterion_id.guidance")
    level_id = fields.Many2one(
        "credit.scorecard.level", domain="[('criterion_id', '=', criterion_id)]"
    )
    score = fields.Float(related="level_id.score")
    weighted_score = fields.Float(compute="_compute_weighted_score")
    proposed_level_id = fields.Many2one("credit.scorecard.level", readonly=True)
    proposal = fields.Text(readonly=True, help="How the proposed level was computed.")
    override_reason = fields.Text(
        help="Why finance chose another level than the one proposed from the customer's record."
    )

    def _level_for_index(self, index):
        """The highest level of the criterion whose score ``index`` reaches (the lowest level
        below all of them)."""
        self.ensure_one()
        levels = self.criterion_id.level_ids.sorted("score", reverse=True)
        return next((lv for lv in levels if index >= lv.score), levels[-1:])

    def _set_proposal(self, level, proposal):
        """Propose ``level`` with its computation; an unscored line takes it."""
        self.ensure_one()
        vals = {"proposed_level_id": level.id, "proposal": proposal}
        if not self.level_id:
            vals["level_id"] = level.id
        self._credit_workflow_write(vals)

    @api.depends("level_id.score", "criterion_id.weight")
    def _compute_weighted_score(self):
        for line in self:
            line.weighted_score = line.level_id.score * line.criterion_id.weight / 100.0

    @api.constrains("level_id", "proposed_level_id", "override_reason")
    def _check_override_reason(self):
        for line in self:
            if (
                line.proposed_level_id
                and line.level_id
                and line.level_id != line.proposed_level_id
                and not (line.override_reason or "").strip()
            ):
                raise ValidationError(
                    self.env._(
                        "%(criterion)s: give the reason for choosing another level than the "
                        "one proposed from the customer's record.",
                        criterion=line.criterion_id.name,
                    )
                )

    def _check_editable(self, assessments):
        """Scores are finance's, and change only while finance reviews the assessment (the
        workflow itself writes them as the superuser: lines of a new scorecard, proposals)."""
        if is_credit_workflow(self.env):
            return
        if not self.env.user.has_group(ANALYST):
            raise AccessError(self.env._("Only finance scores credit assessments."))
        for assessment in assessments.sudo():
            if assessment.state != "review":
                raise UserError(
                    self.env._(
                        "The scores of %(assessment)s change only while finance reviews it "
                        "(it is %(state)s).",
                        assessment=assessment.name,
                        state=dict(ASSESSMENT_STATES)[assessment.state].lower(),
                    )
                )
