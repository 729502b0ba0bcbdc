from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.credit_decision import DECISION_LEVELS
from ..models.credit_release import RELEASE_ANSWERS

CREDIT_MANAGER = "credit_management.group_credit_manager"


class CreditReleaseWizard(models.TransientModel):
    """Finance releases a held document (it is then confirmed or posted) or rejects it, always
    with a reason. The decision is taken again on today's figures and stored with the
    answer."""

    _name = "credit.release.wizard"
    _description = "Release or Reject a Credit Hold"

    order_id = fields.Many2one("sale.order", string="Sales Order", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    answer = fields.Selection(RELEASE_ANSWERS, required=True, default="release")
    reason = fields.Text(required=True)
    decision_level = fields.Selection(DECISION_LEVELS, compute="_compute_decision")
    decision_message = fields.Text(string="Credit Check Now", compute="_compute_decision")
    currency_id = fields.Many2one("res.currency", compute="_compute_decision")
    excess = fields.Monetary(string="Excess over Limit", compute="_compute_decision")
    needs_manager = fields.Boolean(compute="_compute_decision")

    def _document(self):
        self.ensure_one()
        return self.order_id or self.move_id

    @api.depends("order_id", "move_id")
    def _compute_decision(self):
        for wizard in self:
            document = wizard._document()
            if not document:
                wizard.update(
                    {
                        "decision_level": False,
                        "decision_message": False,
                        "currency_id": False,
                        "excess": 0.0,
                        "needs_manager": False,
                    }
                )
                continue
            decision = document.sudo()._credit_decide()
            wizard.update(
                {
                    "decision_level": decision["level"],
                    "decision_message": decision["message"],
                    "currency_id": decision["company"].currency_id.id,
                    "excess": decision["excess"],
                    "needs_manager": wizard._needs_manager(decision),
                }
            )

    @api.model
    def _needs_manager(self, decision):
        """Releasing beyond the analysts' authority: exposure above the limit by more than the
        company's tolerance, or a customer finance has blocked."""
        company = decision["company"]
        rules = {rule["code"] for rule in decision["rules"]}
        over = (
            "over_limit" in rules
            and company.currency_id.compare_amounts(
                decision["excess"], company.credit_release_manager_amount
            )
            > 0
        )
        return over or decision["partner"].credit_status == "blocked"

    def action_confirm(self):
        self.ensure_one()
        document = self._document()
        if not document:
            raise UserError(self.env._("Choose the held document to answer."))
        if not (self.reason or "").strip():
            raise UserError(self.env._("Please give the reason for this answer."))
        if document.credit_hold_state != "held":
            raise UserError(
                self.env._("%(document)s is not on credit hold.", document=document.display_name)
            )
        decision = document.sudo()._credit_decide()
        if (
            self.answer == "release"
            and self._needs_manager(decision)
            and not self.env.user.has_group(CREDIT_MANAGER)
        ):
            raise AccessError(
                self.env._(
                    "Only a credit manager can release %(document)s: it exceeds the credit "
                    "limit by %(excess)s (analysts may release up to %(tolerance)s above the "
                    "limit) or the customer is blocked.",
                    document=document.display_name,
                    excess=self.env["credit.decision"]._money(
                        decision["excess"], decision["company"]
                    ),
                    tolerance=self.env["credit.decision"]._money(
                        decision["company"].credit_release_manager_amount, decision["company"]
                    ),
                )
            )
        release = self.env["credit.release"].create(
            self.env["credit.release"]._values_from_decision(decision)
            | {
                "answer": self.answer,
                document._credit_release_field: document.id,
                "document_name": document.display_name,
                "salesperson_id": document._credit_salesperson().id,
                "reason": self.reason,
            }
        )
        if self.answer == "release":
            document._credit_release(release)
        else:
            document._credit_reject(release)
        return {"type": "ir.actions.act_window_close"}
