from odoo import api, fields, models


class CreditAssessmentPart(models.AbstractModel):
    """What belongs to an assessment (its scores, its documents): each part changes only when
    its assessment's state lets the current user change it (:meth:`_check_editable`), on
    every path (create, write, moving it to another assessment, unlink)."""

    _name = "credit.assessment.part"
    _description = "Part of a Credit Assessment"
    _inherit = ("credit.guarded",)

    assessment_id = fields.Many2one(
        "credit.assessment", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="assessment_id.company_id", store=True, index=True, string="Company"
    )

    def _check_editable(self, assessments):
        """Raise unless the current user may change the parts of ``assessments``."""
        raise NotImplementedError()

    @api.model_create_multi
    def create(self, vals_list):
        self._check_editable(
            self.env["credit.assessment"].browse({v.get("assessment_id") for v in vals_list})
        )
        return super().create(vals_list)

    def write(self, vals):
        self._check_editable(self.assessment_id)
        if "assessment_id" in vals:
            self._check_editable(self.env["credit.assessment"].browse(vals["assessment_id"]))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_decided(self):
        self._check_editable(self.assessment_id)
