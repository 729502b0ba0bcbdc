from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from ..models.credit_common import ANALYST, CLOSE


class CreditReasonWizard(models.TransientModel):
    """One document, one reason: finance puts a single order or invoice on credit hold by
    hand, or a salesperson resubmits to finance an order finance rejected."""

    _name = "credit.reason.wizard"
    _description = "Credit Hold or Resubmission with a Reason"

    order_id = fields.Many2one("sale.order", string="Sales Order", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    mode = fields.Selection(
        [("hold", "Put on Credit Hold"), ("resubmit", "Resubmit to Finance")],
        required=True,
        readonly=True,
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        document = self.order_id or self.move_id
        if not document:
            raise UserError(self.env._("Choose the document."))
        if not (self.reason or "").strip():
            raise UserError(self.env._("Please give the reason."))
        if self.mode == "hold":
            if not self.env.user.has_group(ANALYST):
                raise AccessError(
                    self.env._("Only finance (credit analysts and managers) holds a document.")
                )
            result = document._credit_hold_manual(self.reason)
        else:
            result = document._credit_resubmit(self.reason)
        if isinstance(result, dict) and result.get("tag") == "display_notification":
            result["params"]["next"] = CLOSE  # close this dialog, reload the document
            return result
        return CLOSE
