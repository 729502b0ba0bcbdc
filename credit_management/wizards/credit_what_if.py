from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..models.credit_common import ANALYST, CREDIT_STATUSES
from ..models.credit_decision import DECISION_LEVELS


class CreditWhatIf(models.TransientModel):
    """What if the customer had another limit, status or rating? Finance simulates it from
    the customer: the decision service decides every open quotation and held order with the
    values given instead of the customer's own, and shows which would be held or released,
    the available credit and utilisation, and whether the utilisation signal changes.
    Nothing of the customer is written."""

    _name = "credit.what.if"
    _description = "Credit What-If Simulation"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    current_limit = fields.Monetary(readonly=True)
    current_status = fields.Selection(CREDIT_STATUSES, readonly=True)
    current_rating_id = fields.Many2one("credit.rating", readonly=True)
    new_limit = fields.Monetary(string="Limit")
    new_status = fields.Selection(CREDIT_STATUSES, string="Status")
    new_rating_id = fields.Many2one("credit.rating", string="Rating")
    current_available = fields.Monetary(readonly=True)
    new_available = fields.Monetary(readonly=True)
    current_utilization = fields.Float(readonly=True)
    new_utilization = fields.Float(readonly=True)
    signal_change = fields.Char(string="Utilisation Signal", readonly=True)
    line_ids = fields.One2many("credit.what.if.line", "wizard_id", readonly=True)
    simulated = fields.Boolean(readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if not self.env.user.has_group(ANALYST):
            raise AccessError(self.env._("Finance simulates credit decisions."))
        partner = self.env["res.partner"].browse(
            values.get("partner_id") or self.env.context.get("active_id")
        )
        company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
        profile = partner.commercial_partner_id.with_company(company).sudo()
        values.update(
            partner_id=profile.id,
            current_limit=profile.credit_limit,
            current_status=profile.credit_status or "not_assessed",
            current_rating_id=profile.credit_rating_id.id,
            new_limit=profile.credit_limit,
            new_status=profile.credit_status or "not_assessed",
            new_rating_id=profile.credit_rating_id.id,
        )
        return values

    def _documents(self):
        """The customer's open quotations and held orders in the company."""
        return (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("partner_id.commercial_partner_id", "=", self.partner_id.id),
                    ("company_id", "=", self.company_id.id),
                    "|",
                    ("state", "in", ("draft", "sent")),
                    ("credit_hold_state", "=", "held"),
                ],
                order="date_order, id",
            )
        )

    def action_simulate(self):
        """Decide each document twice, as the customer is and as simulated; write only this
        wizard's lines."""
        self.ensure_one()
        if not self.env.user.has_group(ANALYST) or self.company_id not in self.env.user.company_ids:
            raise AccessError(self.env._("Finance simulates credit decisions."))
        self.partner_id.check_access("read")
        if self.new_limit < 0:
            raise ValidationError(self.env._("A credit limit cannot be negative."))
        Decision = self.env["credit.decision"].with_company(self.company_id)
        overrides = {
            "limit": self.new_limit,
            "status": self.new_status,
            "rating": self.new_rating_id,
        }
        now = Decision._decide(self.partner_id, 0.0, self.company_id)
        then = Decision._decide(self.partner_id, 0.0, self.company_id, overrides=overrides)
        threshold = self.company_id.credit_warning_threshold
        levels = dict(
            self.env["credit.what.if.line"]._fields["level_then"]._description_selection(self.env)
        )
        lines = []
        for order in self._documents():
            # held orders are not confirmed yet: decided as the quotations
            amount, counted = order._credit_amount(), order._credit_counted()
            before = Decision._decide(self.partner_id, amount, self.company_id, counted)
            after = Decision._decide(
                self.partner_id, amount, self.company_id, counted, overrides=overrides
            )
            lines.append(
                {
                    "order_id": order.id,
                    "amount": amount,
                    "level_now": before["level"],
                    "level_then": after["level"],
                    "message_then": after["message"] or levels[after["level"]],
                }
            )

        def signal(result):
            return result["exposure"]["utilization"] >= threshold

        self.line_ids.unlink()
        self.write(
            {
                "current_available": now["exposure"]["available"],
                "new_available": then["exposure"]["available"],
                "current_utilization": now["exposure"]["utilization"],
                "new_utilization": then["exposure"]["utilization"],
                "signal_change": {
                    (False, True): self.env._("Would fire (utilisation over the threshold)"),
                    (True, False): self.env._("Would clear"),
                    (True, True): self.env._("Fires either way"),
                    (False, False): self.env._("Does not fire"),
                }[(signal(now), signal(then))],
                "line_ids": [(0, 0, line) for line in lines],
                "simulated": True,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("What If"),
        }


class CreditWhatIfLine(models.TransientModel):
    _name = "credit.what.if.line"
    _description = "Credit What-If Document"

    wizard_id = fields.Many2one("credit.what.if", required=True, ondelete="cascade")
    order_id = fields.Many2one("sale.order", string="Document", readonly=True)
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    amount = fields.Monetary(readonly=True)
    level_now = fields.Selection(DECISION_LEVELS, string="Today", readonly=True)
    level_then = fields.Selection(DECISION_LEVELS, string="Simulated", readonly=True)
    changed = fields.Boolean(compute="_compute_changed")
    message_then = fields.Text(string="Simulated Decision", readonly=True)

    @api.depends("level_now", "level_then")
    def _compute_changed(self):
        for line in self:
            line.changed = line.level_now != line.level_then
