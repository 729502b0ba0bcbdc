from datetime import timedelta
from types import MappingProxyType

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .credit_guarded import SYSTEM, is_credit_workflow

PROMISE_STATES = [
    ("open", "Open"),
    ("kept", "Kept"),
    ("broken", "Broken"),
    ("cancelled", "Cancelled"),
]
PROMISE_WORKFLOW = ("state", "residual_at_promise", "paid_amount", "event_id", "closed_date")
# a promise further away than this is no promise to pay overdue items
PROMISE_MAX_DAYS = 90
# what the customer promised: kept as recorded
PROMISE_TERMS = ("partner_id", "company_id", "amount", "promise_date", "move_ids")


class CreditPaymentPromise(models.Model):
    """A customer's promise to pay overdue items (amount, date, who promised, a note),
    recorded by finance. While it is in force the overdue rule can warn instead of block
    (Credit Settings); when its date has passed, the daily cron finds it kept (the items
    were paid by the amount promised) or broken: a broken promise raises a credit event with
    an activity for finance and the salesperson. The kept/broken record of the last 12
    months is a figure of the customer and an early-warning signal."""

    _name = "credit.payment.promise"
    _description = "Payment Promise"
    _inherit = ("mail.thread", "mail.activity.mixin", "credit.guarded", "credit.customer.record")
    _order = "promise_date desc, id desc"
    _rec_name = "partner_id"

    _credit_guarded_fields = MappingProxyType(dict.fromkeys(PROMISE_WORKFLOW, SYSTEM))

    amount = fields.Monetary(string="Amount Promised", required=True, tracking=True)
    promise_date = fields.Date(string="Promised For", required=True, tracking=True)
    contact_id = fields.Many2one(
        "res.partner",
        string="Promised By",
        domain="['|', ('id', '=', partner_id), ('parent_id', '=', partner_id)]",
    )
    move_ids = fields.Many2many(
        "account.move",
        string="Overdue Items",
        help="The invoices the customer promised to pay; left empty, its overdue invoices of "
        "the day.",
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice'),"
        " ('state', '=', 'posted'), ('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    note = fields.Text()
    user_id = fields.Many2one(
        "res.users", string="Recorded By", default=lambda self: self.env.user, readonly=True
    )
    state = fields.Selection(
        PROMISE_STATES,
        string="Status",
        default="open",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    residual_at_promise = fields.Monetary(string="Due When Promised", readonly=True, copy=False)
    paid_amount = fields.Monetary(string="Paid Since", readonly=True, copy=False)
    event_id = fields.Many2one("credit.event", string="Credit Event", readonly=True, copy=False)
    closed_date = fields.Date(readonly=True, copy=False)

    @api.constrains("amount", "move_ids", "partner_id", "promise_date")
    def _check_terms(self):
        today = fields.Date.context_today(self)
        for promise in self:
            if promise.state == "open" and not (
                today <= promise.promise_date <= today + timedelta(days=PROMISE_MAX_DAYS)
            ):
                raise ValidationError(
                    self.env._(
                        "A promise to pay is for a day from today to %(days)s days ahead.",
                        days=PROMISE_MAX_DAYS,
                    )
                )
            if promise.currency_id.compare_amounts(promise.amount, 0) <= 0:
                raise ValidationError(self.env._("A promise to pay is a positive amount."))
            if promise.move_ids.commercial_partner_id - promise.partner_id:
                raise ValidationError(
                    self.env._("A promise covers the customer's own invoices only.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        promises = super().create(vals_list)
        for promise in promises:
            if not promise.move_ids:
                # the customer's overdue invoices of today: what it promised to pay
                promise.move_ids = promise._overdue_invoices()
            promise._credit_workflow_write({"residual_at_promise": promise._residual()})
        return promises

    def _overdue_invoices(self):
        self.ensure_one()
        return (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "=", self.partner_id.id),
                    ("company_id", "=", self.company_id.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("invoice_date_due", "<", fields.Date.context_today(self)),
                ]
            )
        )

    def write(self, vals):
        self._credit_check_lock(
            vals,
            {"kept", "broken", "cancelled"},
            self.env._("A closed promise is kept as it was."),
            fnames=PROMISE_TERMS,
        )
        if not is_credit_workflow(self.env) and "move_ids" in vals:
            result = super().write(vals)
            for promise in self:
                promise._credit_workflow_write({"residual_at_promise": promise._residual()})
            return result
        return super().write(vals)

    def _residual(self):
        """What is still due on the items promised, in company currency."""
        self.ensure_one()
        return sum(self.move_ids.sudo().mapped("amount_residual_signed"))

    def action_cancel(self):
        self.check_access("write")
        if any(state != "open" for state in self.mapped("state")):
            raise UserError(self.env._("Only an open promise can be cancelled."))
        self._credit_workflow_write(
            {"state": "cancelled", "closed_date": fields.Date.context_today(self)}
        )
        return True

    @api.model
    def _in_force(self, partner, company, date):
        """Whether ``partner`` has an open promise for ``date`` or later in ``company``."""
        return bool(
            self.sudo().search_count(
                [
                    ("partner_id", "=", partner.id),
                    ("company_id", "=", company.id),
                    ("state", "=", "open"),
                    ("promise_date", ">=", date),
                ],
                limit=1,
            )
        )

    @api.model
    def _promised_partners(self, partners, company, date):
        """Ids of ``partners`` with an open promise for ``date`` or later, one query."""
        return set(
            self.sudo()
            .search(
                [
                    ("partner_id", "in", partners.ids),
                    ("company_id", "=", company.id),
                    ("state", "=", "open"),
                    ("promise_date", ">=", date),
                ]
            )
            .partner_id.ids
        )

    @api.model
    def _cron_check_promises(self):
        """Close the promises whose date has passed: kept when the items were paid by the
        amount promised, else broken with a credit event and activities (escalation)."""
        today = fields.Date.context_today(self)
        due = self.sudo().search([("state", "=", "open"), ("promise_date", "<", today)])
        for promise in due:
            paid = promise.residual_at_promise - promise._residual()
            kept = promise.currency_id.compare_amounts(paid, promise.amount) >= 0
            values = {"paid_amount": max(paid, 0.0), "closed_date": today}
            if kept:
                promise._credit_workflow_write(values | {"state": "kept"})
                continue
            event = (
                self.env["credit.event"]
                .sudo()
                ._credit_workflow_create(
                    {
                        "name": self.env._(
                            "Broken promise to pay: %(customer)s", customer=promise.partner_id.name
                        ),
                        "partner_id": promise.partner_id.id,
                        "company_id": promise.company_id.id,
                        "event_type": "default",
                        "severity": "high",
                        "description": self.env._(
                            "%(amount)s promised for %(date)s by %(contact)s; %(paid)s paid.",
                            amount=self.env["credit.decision"]._money(
                                promise.amount, promise.company_id
                            ),
                            date=promise.promise_date,
                            contact=promise.contact_id.name or promise.partner_id.name,
                            paid=self.env["credit.decision"]._money(
                                max(paid, 0.0), promise.company_id
                            ),
                        ),
                    }
                )
            )
            promise._credit_workflow_write(values | {"state": "broken", "event_id": event.id})
            for user in (
                promise.user_id
                | promise.partner_id.user_id
                | promise.company_id._credit_controller()
            ):
                promise.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    summary=self.env._("Promise to pay broken: escalate"),
                )

    @api.model
    def _record(self, partners, company):
        """``{partner_id: (kept, broken)}`` over the last 12 months, one query."""
        since = fields.Date.context_today(self) - timedelta(days=365)
        groups = self.sudo()._read_group(
            [
                ("partner_id", "in", partners.ids),
                ("company_id", "=", company.id),
                ("state", "in", ("kept", "broken")),
                ("promise_date", ">=", since),
            ],
            ["partner_id", "state"],
            ["__count"],
        )
        record = {}
        for partner, state, count in groups:
            kept, broken = record.get(partner.id, (0, 0))
            record[partner.id] = (
                (kept + count, broken) if state == "kept" else (kept, broken + count)
            )
        return record

    @api.model
    def _broken_query(self, company, since):
        return SQL(
            """
            SELECT partner_id, COUNT(*) FILTER (WHERE state = 'broken'),
                   COUNT(*) FILTER (WHERE state = 'kept')
              FROM credit_payment_promise
             WHERE company_id = %(company)s AND promise_date >= %(since)s
               AND state IN ('kept', 'broken')
          GROUP BY partner_id
            HAVING COUNT(*) FILTER (WHERE state = 'broken') > 0
            """,
            company=company.id,
            since=since,
        )
