from odoo import fields, models

from odoo.addons.credit_management.models.credit_common import credit_notification
from odoo.addons.credit_management.models.sale_order import CREDIT_RELEASE_READERS

# Cursor cache keys (a context key could be forged over RPC; the cursor cache cannot):
# deliveries that passed the credit check in this transaction and may be validated, and the
# release in progress (finance's release does not validate: the warehouse does, with its own
# quantities and backorders).
CHECKED = "credit_management_stock.checked_pickings"
RELEASING = "credit_management_stock.releasing"


class StockPicking(models.Model):
    """Deliveries under credit control: with the company's Block Deliveries, validating an
    outgoing delivery of a customer blocked, on hold or over its limit beyond the tolerance
    holds it for finance (the same hold, release wizard, release record and rules as orders
    and invoices); once released, the warehouse validates it. A delivery finance refused
    stays refused while the customer's credit still stops it."""

    _name = "stock.picking"
    _inherit = ("stock.picking", "credit.controlled.document")
    _credit_release_field = "picking_id"

    credit_release_ids = fields.One2many(
        "credit.release", "picking_id", string="Credit Releases", groups=CREDIT_RELEASE_READERS
    )

    # -- credit.controlled.document hooks ----------------------------------------------------
    def _credit_is_controlled(self):
        company = self._credit_company().sudo()
        return bool(
            company.credit_control_enabled
            and company.credit_block_deliveries
            and self.picking_type_code == "outgoing"
            and self._credit_partner()
            and self._credit_is_pending()
        )

    def _credit_is_pending(self):
        return self.state not in ("done", "cancel")

    def _credit_partner(self):
        # whom the order invoices carries the credit, whatever the delivery address says
        return (self.sale_id.partner_invoice_id or self.partner_id).commercial_partner_id

    def _credit_company(self):
        return self.company_id or self.env.company

    def _credit_amount(self):
        # a delivery adds no credit: its order is in the exposure already
        return 0.0

    def _credit_salesperson(self):
        return self.sale_id.user_id or self.user_id

    def _credit_release_covers(self):
        """A delivery asks no amount, so a release also ends when the customer's excess over
        its limit has grown past what finance released it at."""
        if not super()._credit_release_covers():
            return False
        decision = self._credit_decide()
        if decision["level"] != "block":
            return True
        released = self._credit_last_release()
        return (
            released.company_id.currency_id.compare_amounts(decision["excess"], released.excess)
            <= 0
        )

    def _credit_release_pending_note(self):
        return self.env._("the warehouse validates it")

    def _credit_decide(self, amount=None, counted=None):
        self.ensure_one()
        return self.env["credit.decision"]._decide_delivery(
            self._credit_partner(), self._credit_company()
        )

    def _credit_proceed(self):
        if self.env.cr.cache.get(RELEASING):
            return True
        return self._credit_validate_checked()

    def _credit_release(self, release):
        cache = self.env.cr.cache
        cache[RELEASING] = True
        try:
            return super()._credit_release(release)
        finally:
            cache.pop(RELEASING, None)

    # -- the validation ----------------------------------------------------------------------
    def _credit_validate_checked(self):
        """Validate these deliveries, which passed the credit check, through Odoo's own
        validation (backorders and the rest)."""
        checked = self.env.cr.cache.setdefault(CHECKED, set())
        checked.update(self.ids)
        try:
            return self.button_validate()
        finally:
            checked.difference_update(self.ids)

    def button_validate(self):
        checked = self.env.cr.cache.get(CHECKED, set())
        controlled = self.filtered(lambda p: p.id not in checked and p._credit_is_controlled())
        if not controlled:
            return super().button_validate()
        self.env["credit.decision"]._lock_partners(controlled.mapped(lambda p: p._credit_partner()))
        held = refused = self.browse()
        for picking in controlled:
            if picking.credit_hold_manual and picking.credit_hold_state in ("held", "rejected"):
                held |= picking  # held by finance's hand: only its release lets it go
                continue
            if picking._credit_release_covers():
                continue
            decision = picking._credit_decide()
            if decision["level"] != "block":
                if picking.credit_hold_state in ("held", "rejected"):
                    picking._credit_clear_hold()
                continue
            if picking.credit_hold_state == "rejected":
                refused |= picking  # finance said no: not asked again while nothing changed
                continue
            picking._credit_hold(decision)
            held |= picking
        rest = self - held - refused
        if not (held or refused):
            return rest._credit_validate_checked()
        if rest:
            # the others go on; their wizard (a backorder) comes first, the holds are in
            # the chatter and finance's activities
            result = rest._credit_validate_checked()
            if isinstance(result, dict):
                return result
        if refused and not held:
            return credit_notification(
                self.env._("Credit hold"),
                self.env._(
                    "Finance refused to release %(deliveries)s: the customer's credit still "
                    "stops it.",
                    deliveries=", ".join(refused.mapped("display_name")),
                ),
                "warning",
                True,
            )
        return held._credit_hold_notification()
