from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import AccessError
from odoo.tools import plaintext2html

CREDIT_HOLD_STATES = [
    ("held", "On Credit Hold"),
    ("released", "Credit Released"),
    ("rejected", "Credit Rejected"),
]
# Set by credit control only (through sudo), never by a user's write.
CREDIT_HOLD_FIELDS = {
    "credit_hold_state",
    "credit_hold_message",
    "credit_hold_rules",
    "credit_hold_date",
    "credit_released_amount",
}


class CreditControlledDocument(models.AbstractModel):
    """A document that the credit decision can hold (sale orders, customer invoices).

    :meth:`_credit_process` decides on every document before it is confirmed or posted:
    documents that pass go on (:meth:`_credit_proceed`), blocked ones stay as they are, marked
    held, with the explanation, and finance gets an activity. Finance releases (the document
    then goes on) or rejects them through ``credit.release.wizard``; every release and
    rejection is kept as a ``credit.release``. A release covers the amount released: a
    document raised above it is decided again.

    Concrete models implement the ``_credit_*`` hooks below.
    """

    _name = "credit.controlled.document"
    _description = "Document under Credit Control"

    credit_hold_state = fields.Selection(
        CREDIT_HOLD_STATES,
        string="Credit Hold",
        copy=False,
        readonly=True,
        index=True,
        tracking=True,
    )
    credit_hold_message = fields.Text(
        string="Credit Check",
        copy=False,
        readonly=True,
        help="Why the credit check held this document: the rules that fired and the figures.",
    )
    credit_hold_rules = fields.Char(
        string="Credit Rules Fired",
        copy=False,
        readonly=True,
        help="Codes of the credit rules that fired when the document was held (blocking rules "
        "and warnings).",
    )
    credit_hold_date = fields.Datetime(string="Held On", copy=False, readonly=True)
    credit_released_amount = fields.Float(
        string="Released Amount",
        copy=False,
        readonly=True,
        help="Amount (company currency) that finance released; a higher amount is checked again.",
    )

    # ------------------------------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------------------------------
    # field of credit.release and credit.release.wizard that points to this kind of document
    _credit_release_field = None

    def _credit_is_controlled(self):
        """True when this document goes through the credit decision."""
        return self._credit_company().sudo().credit_control_enabled

    def _credit_partner(self):
        raise NotImplementedError()

    def _credit_company(self):
        raise NotImplementedError()

    def _credit_amount(self):
        """New credit this document asks for, in company currency."""
        raise NotImplementedError()

    def _credit_counted(self):
        """Part of :meth:`_credit_amount` already in the customer's exposure."""
        return 0.0

    def _credit_salesperson(self):
        raise NotImplementedError()

    def _credit_exempt(self):
        """True when this document needs no credit decision (e.g. paid in advance)."""
        return False

    def _credit_proceed(self):
        """Confirm or post the documents that passed (or were released)."""
        raise NotImplementedError()

    # ------------------------------------------------------------------------------------------
    # Protection
    # ------------------------------------------------------------------------------------------
    def _check_credit_hold_write(self, vals):
        if not self.env.su and CREDIT_HOLD_FIELDS & set(vals):
            raise AccessError(
                self.env._(
                    "The credit hold of a document is set by the credit check and changed "
                    "only by finance's release or rejection."
                )
            )

    # ------------------------------------------------------------------------------------------
    # Decision
    # ------------------------------------------------------------------------------------------
    def _credit_decide(self):
        """The credit decision for this document as it stands (see credit.decision)."""
        self.ensure_one()
        return self.env["credit.decision"]._decide(
            self._credit_partner(),
            self._credit_amount(),
            self._credit_company(),
            document=self,
            counted=self._credit_counted(),
        )

    def _credit_release_covers(self):
        self.ensure_one()
        currency = self._credit_company().currency_id
        return (
            self.credit_hold_state == "released"
            and currency.compare_amounts(self._credit_amount(), self.credit_released_amount) <= 0
        )

    def _credit_process(self):
        """Decide on each document, in order; go on with those that pass, hold the others.

        The customers are locked first (see credit.decision._lock_partners), and documents are
        decided one after the other, so that each decision sees the ones confirmed before it,
        in this transaction or in any other.

        :return: what :meth:`_credit_proceed` returned, or a notification when some documents
            were held.
        """
        controlled = self.filtered(lambda d: d._credit_is_controlled())
        partners = self.env["res.partner"]
        for document in controlled:
            partners |= document._credit_partner()
        self.env["credit.decision"]._lock_partners(partners)
        result = True
        uncontrolled = self - controlled
        if uncontrolled:
            result = uncontrolled._credit_proceed()
        held = self.browse()
        for document in controlled:
            decision = None
            if not document._credit_exempt() and not document._credit_release_covers():
                decision = document._credit_decide()
            if decision and decision["level"] == "block":
                document._credit_hold(decision)
                held |= document
                continue
            was_held = document.credit_hold_state == "held"
            result = document._credit_proceed()
            if was_held:
                document._credit_clear_hold()
            if decision and decision["level"] == "warn":
                document.sudo().message_post(body=plaintext2html(decision["message"]))
        if held:
            return held._credit_hold_notification()
        return result

    def _credit_hold(self, decision):
        self.ensure_one()
        already_held = self.credit_hold_state == "held"
        self.sudo().write(
            {
                "credit_hold_state": "held",
                "credit_hold_message": decision["message"],
                "credit_hold_rules": ",".join(rule["code"] for rule in decision["rules"]),
                "credit_hold_date": fields.Datetime.now(),
            }
        )
        self.sudo().message_post(body=plaintext2html(decision["message"]))
        if not already_held:
            controller = self._credit_company()._credit_controller()
            self.sudo().activity_schedule(
                "credit_management.mail_activity_type_credit_hold",
                user_id=controller.id or self.env.uid,
                summary=self.env._(
                    "Credit hold: release or reject %(document)s", document=self.display_name
                ),
                note=plaintext2html(decision["message"]),
            )

    def _credit_clear_hold(self):
        """A held document passed the check on its own (the customer paid, the amount went
        down): no release is needed any more."""
        self.sudo().write({"credit_hold_state": False})
        self._credit_finance_activities().action_feedback(
            feedback=self.env._("The document passed the credit check; no release needed.")
        )

    def _credit_finance_activities(self):
        activity_type = self.env.ref("credit_management.mail_activity_type_credit_hold")
        return self.sudo().activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

    def _credit_hold_notification(self):
        message = "\n\n".join(
            self.env._(
                "%(document)s was not confirmed: it waits for finance.\n%(explanation)s",
                document=doc.display_name,
                explanation=doc.credit_hold_message,
            )
            for doc in self
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Credit hold"),
                "message": message,
                "type": "warning",
                "sticky": True,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------------------------------------
    # Finance's answer (called by credit.release.wizard, after its checks)
    # ------------------------------------------------------------------------------------------
    def _credit_release(self, release):
        self.ensure_one()
        self.sudo().write(
            {"credit_hold_state": "released", "credit_released_amount": release.amount}
        )
        self.sudo().message_post(
            body=Markup("%s<br/>%s")
            % (
                self.env._(
                    "Credit hold released by %(user)s for %(amount)s.",
                    user=release.user_id.name,
                    amount=self.env["credit.decision"]._money(release.amount, release.company_id),
                ),
                self.env._("Reason: %(reason)s", reason=release.reason),
            )
        )
        self._credit_finance_activities().action_feedback(
            feedback=self.env._("Released: %(reason)s", reason=release.reason)
        )
        return self.sudo()._credit_process()

    def _credit_reject(self, release):
        self.ensure_one()
        self.sudo().write({"credit_hold_state": "rejected"})
        salesperson = self._credit_salesperson()
        self.sudo().message_post(
            body=Markup("%s<br/>%s")
            % (
                self.env._("Credit hold rejected by %(user)s.", user=release.user_id.name),
                self.env._("Reason: %(reason)s", reason=release.reason),
            ),
            partner_ids=salesperson.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )
        self._credit_finance_activities().action_feedback(
            feedback=self.env._("Rejected: %(reason)s", reason=release.reason)
        )
        if salesperson:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=salesperson.id,
                summary=self.env._("Credit rejected: inform the customer"),
                note=plaintext2html(release.reason),
            )

    # ------------------------------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------------------------------
    def action_credit_release(self):
        return self._credit_release_wizard_action("release")

    def action_credit_reject(self):
        return self._credit_release_wizard_action("reject")

    def _credit_release_wizard_action(self, answer):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.credit_release_wizard_action"
        )
        action["context"] = {
            f"default_{self._credit_release_field}": self.id,
            "default_answer": answer,
        }
        return action
