from types import MappingProxyType

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .credit_common import AUDITOR, MANAGER
from .credit_guarded import SYSTEM, is_credit_workflow


class CreditImprovement(models.Model):
    """A proposal to improve the policy (P5.2.2), raised from an audit finding or a credit
    meeting's decision. Accepted by a credit manager or the board, it opens a draft of the
    next policy version, linked to where it came from."""

    _name = "credit.improvement"
    _description = "Credit Policy Improvement Proposal"
    _inherit = ("mail.thread", "mail.activity.mixin", "credit.guarded")
    _order = "id desc"

    _credit_guarded_fields = MappingProxyType(
        dict.fromkeys(("state", "policy_id", "decided_by_id"), SYSTEM)
    )

    name = fields.Char(string="Proposal", required=True, tracking=True)
    description = fields.Text(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    proposer_id = fields.Many2one(
        "res.users", string="Proposed By", default=lambda self: self.env.user, readonly=True
    )
    finding_id = fields.Many2one("credit.audit.finding", string="From Finding", readonly=True)
    decision_id = fields.Many2one(
        "credit.meeting.decision", string="From Meeting Decision", readonly=True
    )
    state = fields.Selection(
        [("proposed", "Proposed"), ("accepted", "Accepted"), ("rejected", "Rejected")],
        string="Status",
        default="proposed",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    decided_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    policy_id = fields.Many2one("credit.policy", string="Draft Version", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        if not (self.env.user.has_group(AUDITOR) or self.env.user.has_group(MANAGER)):
            raise AccessError(
                self.env._("Internal audit and credit management propose improvements.")
            )
        return super().create(vals_list)

    @api.model
    def _form_from(self, source, title):
        """The proposal's form, prefilled from an audit finding or a meeting decision."""
        field = "finding_id" if source._name == "credit.audit.finding" else "decision_id"
        description = (source.recommendation if field == "finding_id" else source.description) or ""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Propose an Improvement"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {
                f"default_{field}": source.id,
                "default_name": title,
                "default_description": description,
                "default_company_id": source.company_id.id,
            },
        }

    def write(self, vals):
        if not is_credit_workflow(self.env):
            if {"finding_id", "decision_id", "proposer_id", "company_id"} & set(vals):
                raise UserError(self.env._("A proposal keeps where it came from and who made it."))
            self._credit_check_lock(
                vals,
                {"accepted", "rejected"},
                self.env._("A decided proposal is kept as it was decided."),
            )
        return super().write(vals)

    def _check_decider(self):
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Credit managers and the board decide on proposals."))
        if any(state != "proposed" for state in self.mapped("state")):
            raise UserError(self.env._("This proposal is already decided."))

    def action_accept(self):
        """Open the draft of the next policy version, from the version in force."""
        self._check_decider()
        Policy = self.env["credit.policy"]
        for proposal in self:
            current = Policy._in_force(proposal.company_id).sudo()
            draft = Policy._credit_workflow_create(
                {
                    "name": current.name or Policy.default_get(["name"]).get("name"),
                    "version": Policy._next_version(proposal.company_id, current.version),
                    "company_id": proposal.company_id.id,
                    "body": current.body,
                    "change_summary": proposal.description,
                    "proposer_id": self.env.uid,
                    "previous_id": current.id,
                    "improvement_id": proposal.id,
                }
            )
            proposal._credit_workflow_write(
                {"state": "accepted", "policy_id": draft.id, "decided_by_id": self.env.uid}
            )
            proposal.message_post(
                body=self.env._("Accepted: draft %(policy)s opened.", policy=draft.display_name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_reject(self):
        self._check_decider()
        self._credit_workflow_write({"state": "rejected", "decided_by_id": self.env.uid})
        return True
