import base64
import mimetypes

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.mimetypes import guess_mimetype

from .credit_assessment import ASSESSMENT_STATES
from .credit_common import ANALYST, SALESPERSON
from .credit_guarded import SYSTEM, is_credit_workflow

# set by the Verify button only (P4.1.2)
VERIFICATION_FIELDS = ("verified", "verified_by_id", "verified_date")


class CreditAssessmentDocument(models.Model):
    """A document the customer gave for an assessment (P3.1.3a): sales attaches it while
    filling in the form; once the assessment is approved or cancelled it is kept as it was."""

    _name = "credit.assessment.document"
    _description = "Credit Assessment Document"
    _inherit = ("credit.access.logged", "credit.assessment.part")
    _order = "id"
    _credit_guarded_fields = dict.fromkeys(VERIFICATION_FIELDS, SYSTEM)

    type_id = fields.Many2one("credit.document.type", string="Document Type", required=True)
    name = fields.Char(string="Description")
    file = fields.Binary(attachment=True, required=True)
    filename = fields.Char(string="File Name")
    # P4.1.2: sales checks each document before the assessment goes to finance
    verified = fields.Boolean(readonly=True, copy=False)
    verified_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    verified_date = fields.Datetime(string="Verified On", readonly=True, copy=False)
    verification_note = fields.Text(
        string="Check Note", help="What sales checked (against the original, with the bank...)."
    )

    @api.depends("name", "filename", "type_id")
    def _compute_display_name(self):
        for document in self:
            document.display_name = (
                document.name or document.filename or document.type_id.display_name or ""
            )

    def _check_editable(self, assessments):
        """Sales changes the documents while filling in the form, finance until its decision;
        an approved or cancelled assessment keeps its documents as they were."""
        if is_credit_workflow(self.env):
            return
        for assessment in assessments.sudo():
            if assessment.state in ("approved", "cancelled"):
                raise UserError(
                    self.env._(
                        "The documents of %(assessment)s are kept as they were when it was "
                        "%(state)s.",
                        assessment=assessment.name,
                        state=dict(ASSESSMENT_STATES)[assessment.state].lower(),
                    )
                )
            if assessment.state not in ("draft", "rejected") and not self.env.user.has_group(
                ANALYST
            ):
                raise UserError(
                    self.env._(
                        "%(assessment)s is with finance: its documents change through finance.",
                        assessment=assessment.name,
                    )
                )

    @api.model
    def _default_filename(self, vals, type_name):
        """A file uploaded without a name (RPC, import) gets one from its type and content,
        so that it shows and downloads under a real name."""
        if vals.get("file") and not vals.get("filename"):
            mimetype = guess_mimetype(base64.b64decode(vals["file"]))
            extension = mimetypes.guess_extension(mimetype) or ""
            vals["filename"] = f"{type_name or self.env._('Document')}{extension}"
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        Type = self.env["credit.document.type"]
        vals_list = [
            self._default_filename(dict(vals), Type.browse(vals.get("type_id")).name)
            for vals in vals_list
        ]
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("file") and not vals.get("filename"):
            vals = self._default_filename(dict(vals), self[:1].type_id.name)
        res = super().write(vals)
        if {"file", "type_id"} & set(vals):
            # another file (or another kind of document) is checked again
            self.filtered("verified")._credit_workflow_write(dict.fromkeys(VERIFICATION_FIELDS))
        return res

    def action_verify(self):
        """P4.1.2: the salesperson has checked the document (it is what its type says, legible,
        current): who and when are kept; the assessment goes to finance only when every
        required document is verified. Replacing the file asks for a new check."""
        if not is_credit_workflow(self.env) and not self.env.user.has_group(SALESPERSON):
            raise UserError(self.env._("Sales verifies the documents of an assessment."))
        self._check_editable(self.assessment_id)
        for document in self:
            if document.assessment_id.state not in ("draft", "rejected"):
                raise UserError(
                    self.env._(
                        "%(document)s: documents are verified before the assessment is submitted.",
                        document=document.display_name,
                    )
                )
        self._credit_workflow_write(
            {
                "verified": True,
                "verified_by_id": self.env.uid,
                "verified_date": fields.Datetime.now(),
            }
        )
        return True
