from odoo.tests import tagged

from .common import ReportCommon


@tagged("post_install", "-at_install")
class TestWatchList(ReportCommon):
    """The watch list XLSX: open credit events with signals, response plan and owner, and
    the watched or held customers without one; resolved events and quiet customers are not
    on it; a salesperson gets their customers' only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.user_id = cls.salesperson
        Event = cls.env["credit.event"]
        cls.event = Event.create(
            {
                "name": "Bounced cheque",
                "partner_id": cls.customer.id,
                "event_type": "returned_payment",
                "severity": "high",
                "description": "Cheque 1234 returned unpaid",
            }
        )
        cls.event.with_user(cls.salesperson).response_plan = "Cash on delivery until cleared"
        resolved = Event.create({"name": "Old dispute", "partner_id": cls.customer.id})
        resolved.resolution = "Settled"
        resolved.with_user(cls.analyst).action_resolve()
        cls.held = cls.env["res.partner"].create({"name": "Held Without Event", "is_company": True})
        cls.held.with_user(cls.analyst).write(
            {"credit_status": "hold", "credit_hold_reason": "Legal dispute"}
        )
        cls.quiet = cls.env["res.partner"].create({"name": "Quiet Customer", "is_company": True})

    def _export(self, user):
        _sheet, rows = self._report(
            user,
            "action_export_watch_list",
            partner_ids=[(6, 0, (self.customer | self.held | self.quiet).ids)],
        )
        return [
            row
            for row in rows
            if row["Customer"] and not row["Customer"].startswith(("Subtotal", "Total"))
        ]

    def test_open_events_and_watched_customers(self):
        rows = self._export(self.analyst)
        self.assertEqual(
            [(row["Customer"], row["Credit Event"]) for row in rows],
            [("Held Without Event", ""), ("Credit Customer", "Bounced cheque")],
        )
        event_row = rows[1]
        self.assertEqual(event_row["Signals"], "Cheque 1234 returned unpaid")
        self.assertEqual(event_row["Response Plan"], "Cash on delivery until cleared")
        self.assertEqual(event_row["Owner"], self.salesperson.name)
        self.assertEqual(event_row["Severity"], "High")
        self.assertEqual(rows[0]["Credit Status"], "On Hold")

    def test_a_salesperson_gets_their_customers_events(self):
        rows = self._export(self.salesperson)
        self.assertEqual([row["Customer"] for row in rows], ["Credit Customer"])
