from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.credit_management.tests.common import CreditCommon


@tagged("post_install", "-at_install")
class TestDeliveryBlock(CreditCommon):
    """With Block Deliveries, the delivery of a customer blocked, on hold or over its limit
    beyond the tolerance waits for finance's release (same wizard, record and rules as
    orders); the warehouse validates it once released."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse_user = cls._credit_user("credit_stock_user", "stock.group_stock_user")
        cls.company.credit_controller_id = cls.analyst

    def _delivery(self, amount=1000.0, partner=None):
        order = self._order(partner or self.customer, amount)
        picking = order.picking_ids
        self.assertEqual(picking.picking_type_code, "outgoing")
        picking.move_ids.quantity = picking.move_ids.product_uom_qty
        return picking

    def _validate(self, picking):
        return picking.with_user(self.warehouse_user).button_validate()

    def test_off_by_default(self):
        picking = self._delivery()
        self.customer.with_user(self.analyst)._credit_set_status("hold", "Cheque returned")
        self._validate(picking)
        self.assertEqual(picking.state, "done")

    def test_a_customer_on_hold_waits_for_the_release(self):
        self.company.credit_block_deliveries = True
        picking = self._delivery()
        self.customer.with_user(self.analyst)._credit_set_status("hold", "Cheque returned")
        result = self._validate(picking)
        self.assertEqual(result["params"]["title"], "Credit hold")
        self.assertEqual((picking.state, picking.credit_hold_state), ("assigned", "held"))
        self.assertIn("Cheque returned", picking.credit_hold_message)
        self.assertTrue(picking._credit_finance_activities())
        with self.assertRaises(AccessError):  # the hold is the workflow's
            picking.with_user(self.warehouse_user).write({"credit_hold_state": "released"})
        self._validate(picking)  # again: still held
        self.assertEqual(picking.state, "assigned")
        self._answer(picking, "release", self.analyst, reason="Paid in cash at the counter")
        self.assertEqual(picking.credit_hold_state, "released")
        self.assertEqual(picking.state, "assigned")  # the warehouse validates, not finance
        release = picking.sudo().credit_release_ids
        self.assertEqual((release.answer, release.partner_id), ("release", self.customer))
        self._validate(picking)
        self.assertEqual(picking.state, "done")

    def test_over_the_limit_beyond_the_tolerance(self):
        self.company.write({"credit_block_deliveries": True, "credit_delivery_tolerance": 200.0})
        within = self._delivery(1000.0)
        beyond = self._delivery(500.0)
        self._invoice(self.customer, 1200.0)  # exposure 2,700: 200 over a limit of 2,500
        self._validate(within)
        self.assertEqual(within.state, "done")
        self._invoice(self.customer, 100.0)  # 300 over
        self._validate(beyond)
        self.assertEqual((beyond.state, beyond.credit_hold_state), ("assigned", "held"))
        self.assertIn("delivery tolerance", beyond.credit_hold_message)
        # released at 300 over; the exposure grows 100 more: finance is asked again
        self._answer(beyond, "release", self.manager, reason="Partial payment announced")
        self._invoice(self.customer, 100.0)
        self._validate(beyond)
        self.assertEqual((beyond.state, beyond.credit_hold_state), ("assigned", "held"))

    def test_a_blocked_customer_needs_a_credit_manager(self):
        self.company.credit_block_deliveries = True
        picking = self._delivery()
        refused = self._delivery(200.0)
        self.customer.with_user(self.analyst)._credit_set_status("blocked", "Insolvency news")
        self._validate(picking)
        self.assertEqual(picking.credit_hold_state, "held")
        with self.assertRaises(AccessError):
            self._answer(picking, "release", self.analyst)
        self._answer(picking, "release", self.manager, reason="Guarantee from the parent")
        self._validate(picking)
        self.assertEqual(picking.state, "done")
        # refused: validating again asks nobody while the customer is still blocked
        self._validate(refused)
        self._answer(refused, "reject", self.analyst, reason="Wait for the court decision")
        result = self._validate(refused)
        self.assertIn("Finance refused", result["params"]["message"])
        self.assertEqual((refused.state, refused.credit_hold_state), ("assigned", "rejected"))
        self.assertFalse(refused._credit_finance_activities())
        # once the customer's credit allows it, the delivery leaves
        self.customer.with_user(self.manager)._credit_set_status("approved", "Court cleared it")
        self._validate(refused)
        self.assertEqual((refused.state, refused.credit_hold_state), ("done", False))

    def test_a_held_delivery_does_not_stop_the_others_and_no_context_opens_it(self):
        self.company.credit_block_deliveries = True
        other = self.env["res.partner"].create(
            {"name": "Other Buyer", "is_company": True, "credit_limit": 5000.0}
        )
        held = self._delivery()
        free = self._delivery(partner=other)
        self.customer.with_user(self.analyst)._credit_set_status("hold", "Cheque returned")
        (held | free).with_user(self.warehouse_user).button_validate()
        self.assertEqual((held.state, free.state), ("assigned", "done"))
        # a client sending the context of a checked validation gets the check all the same
        held.with_user(self.warehouse_user).with_context(
            credit_delivery_checked=True
        ).button_validate()
        self.assertEqual(held.state, "assigned")
        # a partial delivery: Odoo's backorder wizard comes as usual once released
        self._answer(held, "release", self.analyst, reason="Paid at the counter")
        held.move_ids.quantity = held.move_ids.product_uom_qty / 2
        action = self._validate(held)
        self.assertEqual(action["res_model"], "stock.backorder.confirmation")
