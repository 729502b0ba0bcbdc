from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.credit_common import MANAGER, credit_notification, reader_env
from ..models.credit_decision import DECISION_LEVELS
from ..models.credit_release import RELEASE_ANSWERS


class CreditReleaseWizard(models.TransientModel):
    """Finance releases a held document (a pending one is then confirmed or posted) or
    rejects it, always with a reason. The decision is taken again on today's figures and
    stored with the answer. An analyst who may not release (beyond the tolerance, a blocked
    customer) asks a credit manager instead, with the reason and the figures."""

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
    can_release = fields.Boolean(compute="_compute_decision")

    def _document(self):
        self.ensure_one()
        return self.order_id or self.move_id

    @api.depends("order_id", "move_id")
    def _compute_decision(self):
        is_manager = self.env.user.has_group(MANAGER)
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
                        "can_release": False,
                    }
                )
                continue
            decision = document.sudo()._credit_decide()
            needs_manager = wizard._needs_manager(decision)
            wizard.update(
                {
                    "decision_level": decision["level"],
                    "decision_message": decision["message"],
                    "currency_id": decision["company"].currency_id.id,
                    "excess": decision["excess"],
                    "needs_manager": needs_manager,
                    "can_release": is_manager or not needs_manager,
                }
            )

    @api.model
    def _needs_manager(self, decision):
        """Releasing beyond the analysts' authority: exposure above the limit (or without a
        limit) by more than the company's tolerance, or a customer finance has blocked."""
        company = decision["company"]
        rules = {rule["code"] for rule in decision["rules"]}
        over = (
            rules & {"over_limit", "no_limit"}
            and company.currency_id.compare_amounts(
                decision["excess"], company.credit_release_manager_amount
            )
            > 0
        )
        return bool(over) or decision["partner"].credit_status == "blocked"

    def _check_answerable(self):
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
        return document

    def action_confirm(self):
        self.ensure_one()
        document = self._check_answerable()
        decision = document.sudo()._credit_decide()
        Decision = self.env["credit.decision"]
        if (
            self.answer == "release"
            and self._needs_manager(decision)
            and not self.env.user.has_group(MANAGER)
        ):
            raise AccessError(
                self.env._(
                    "Only a credit manager can release %(document)s: it exceeds the credit "
                    "limit by %(excess)s (analysts may release up to %(tolerance)s above the "
                    "limit) or the customer is blocked. Use Ask a Credit Manager.",
                    document=document.display_name,
                    excess=Decision._money(decision["excess"], decision["company"]),
                    tolerance=Decision._money(
                        decision["company"].credit_release_manager_amount, decision["company"]
                    ),
                )
            )
        # releases are written here only, after the checks above: nobody creates them directly
        release = self.env["credit.release"]._credit_workflow_create(
            self.env["credit.release"]._values_from_decision(decision)
            | {
                "answer": self.answer,
                document._credit_release_field: document.id,
                "document_name": document.display_name,
                "salesperson_id": document._credit_salesperson().id,
                "reason": self.reason,
                "manual_hold": document.sudo().credit_hold_manual,
                "hold_date": document.sudo().credit_hold_date,
                "user_id": self.env.uid,
            }
        )
        if self.answer == "release":
            document._credit_release(release)
            if document._credit_is_pending():
                message = self.env._(
                    "%(document)s is released but still waits: %(state)s.",
                    document=document.display_name,
                    state=document.sudo().credit_hold_state == "held"
                    and self.env._("the credit check holds it again")
                    or document._credit_release_pending_note(),
                )
            else:
                message = self.env._(
                    "%(document)s is released and confirmed.", document=document.display_name
                )
            title = self.env._("Credit hold released")
        else:
            document._credit_reject(release)
            message = self.env._(
                "%(document)s is rejected; the salesperson is told.",
                document=document.display_name,
            )
            title = self.env._("Credit hold rejected")
        return credit_notification(title, message, then="close")

    def action_ask_manager(self):
        """The analyst may not release: a credit manager gets an activity on the document with
        the analyst's reason and today's figures; the document stays on hold."""
        self.ensure_one()
        document = self._check_answerable()
        decision = document.sudo()._credit_decide()
        company = decision["company"]
        manager = company._credit_manager()
        if not manager:
            raise UserError(
                self.env._("%(company)s has no credit manager to ask.", company=company.name)
            )
        # worded for the manager, in the manager's language
        manager_env = reader_env(self.env, manager)
        note = manager_env._(
            "%(user)s asks you to release %(document)s: %(reason)s\n\n%(figures)s",
            user=self.env.user.name,
            document=document.display_name,
            reason=self.reason,
            figures=self.env["credit.decision"]._message_in(decision, manager_env.lang),
        )
        document._credit_ask_finance(
            manager_env._(
                "Credit release above the tolerance: %(document)s", document=document.name
            ),
            note,
            user=manager,
        )
        document.sudo().message_post(
            body=self.env._(
                "%(user)s asked %(manager)s to release it: %(reason)s",
                user=self.env.user.name,
                manager=manager.name,
                reason=self.reason,
            )
        )
        return credit_notification(
            self.env._("Credit manager asked"),
            self.env._(
                "%(manager)s has an activity to release %(document)s, with your reason.",
                manager=manager.name,
                document=document.display_name,
            ),
            then="close",
        )
