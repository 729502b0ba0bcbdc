from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from .credit_common import (
    CREDIT_READERS,
    HOLD_STATUSES,
    INTERNAL,
    STATUS_RANK,
    credit_notification,
    reader_env,
)
from .credit_guarded import SYSTEM

CREDIT_HOLD_STATES = [
    ("held", "On Credit Hold"),
    ("released", "Credit Released"),
    ("rejected", "Credit Rejected"),
]
# Set by credit control only (the workflow), never by a user's write.
CREDIT_HOLD_FIELDS = (
    "credit_hold_state",
    "credit_hold_message",
    "credit_hold_rules",
    "credit_hold_date",
    "credit_hold_manual",
    "credit_released_amount",
)
# Cursor cache key: ids of the documents a salesperson resubmitted to finance with a reason in
# this transaction (a context key could be forged over RPC; the cursor cache cannot).
RESUBMITTED = "credit_management.resubmitted_documents"


class CreditControlledDocument(models.AbstractModel):
    """A document that the credit decision can hold (sale orders, customer invoices).

    :meth:`_credit_process` decides on every document before it is confirmed or posted:
    documents that pass go on (:meth:`_credit_proceed`), blocked ones stay as they are, marked
    held, with the explanation, and finance gets an activity. Finance may also hold a document
    by hand (:meth:`_credit_hold_manual`). Finance releases (a pending document then goes on)
    or rejects held documents through ``credit.release.wizard``; every release and rejection is
    kept as a ``credit.release``. A release covers the customer, the company and the amount
    released, and only until the customer is put on hold again; a rejected document goes back
    to finance only when the salesperson resubmits it with a reason.

    Concrete models implement the ``_credit_*`` hooks below.
    """

    _name = "credit.controlled.document"
    _description = "Document under Credit Control"
    _inherit = ("credit.guarded",)
    _credit_guarded_fields = dict.fromkeys(CREDIT_HOLD_FIELDS, SYSTEM)

    credit_hold_state = fields.Selection(
        CREDIT_HOLD_STATES,
        string="Credit Hold",
        copy=False,
        readonly=True,
        index=True,
        tracking=True,
    )
    # the explanation is internal: the customer (portal) never reads limits and exposures
    credit_hold_message = fields.Text(
        string="Credit Check When Held",
        copy=False,
        readonly=True,
        groups=INTERNAL,
        help="Why the credit check held this document, with the figures of that moment.",
    )
    credit_hold_rules = fields.Char(
        string="Credit Rule Codes",
        copy=False,
        readonly=True,
        groups=INTERNAL,
        help="Codes of the credit rules that fired when the document was held (blocking rules "
        "and warnings).",
    )
    credit_hold_rule_names = fields.Char(
        string="Credit Rules Fired", compute="_compute_credit_hold_rule_names", groups=INTERNAL
    )
    credit_hold_date = fields.Datetime(
        string="Held On",
        copy=False,
        readonly=True,
        groups=INTERNAL,
        help="When the document was first held; asking again does not move it.",
    )
    credit_hold_manual = fields.Boolean(
        string="Held by Finance",
        copy=False,
        readonly=True,
        groups=INTERNAL,
        help="Finance put this document on hold by hand; it waits for a release even when the "
        "credit check passes.",
    )
    credit_released_amount = fields.Float(
        string="Released Amount",
        copy=False,
        readonly=True,
        groups=INTERNAL,
        help="Amount (company currency) that finance released; a higher amount is checked again.",
    )
    credit_hold_currency_id = fields.Many2one(
        "res.currency", compute="_compute_credit_hold_figures", groups=CREDIT_READERS
    )
    credit_hold_exposure = fields.Monetary(
        string="Customer Exposure",
        currency_field="credit_hold_currency_id",
        compute="_compute_credit_hold_figures",
        groups=CREDIT_READERS,
        help="The customer's exposure now, without this document.",
    )
    credit_hold_excess = fields.Monetary(
        string="Excess over Limit",
        currency_field="credit_hold_currency_id",
        compute="_compute_credit_hold_figures",
        groups=CREDIT_READERS,
        help="How far the exposure with this document goes beyond the limit now.",
    )

    # ------------------------------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------------------------------
    # field of credit.release and credit.release.wizard that points to this kind of document
    _credit_release_field = None

    def _credit_is_controlled(self):
        """True when this document goes through the credit decision."""
        return self._credit_company().sudo().credit_control_enabled

    def _credit_is_pending(self):
        """True while the document waits for its confirmation or posting."""
        raise NotImplementedError()

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

    def _credit_release_pending_note(self):
        """Who goes on with a released document that still waits."""
        return self.env._("the salesperson confirms it")

    # ------------------------------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------------------------------
    @api.depends("credit_hold_rules")
    def _compute_credit_hold_rule_names(self):
        Decision = self.env["credit.decision"]
        for document in self:
            rules = document.sudo().credit_hold_rules
            if document.sudo().credit_hold_manual:
                rules = ",".join(filter(None, ["manual", rules]))
            document.credit_hold_rule_names = Decision._rule_names(rules)

    def _compute_credit_hold_figures(self):
        """Live figures of the held documents for the hold queue: one exposure query per
        company, not one decision per document."""
        Exposure = self.env["credit.exposure"]
        for document in self:
            document.credit_hold_currency_id = document._credit_company().currency_id
            document.credit_hold_exposure = document.credit_hold_excess = 0.0
        held = self.filtered(lambda d: d.credit_hold_state == "held")
        for company in {document._credit_company() for document in held}:
            documents = held.filtered(lambda d, c=company: d._credit_company() == c)
            partners = self.env["res.partner"].union(*(d._credit_partner() for d in documents))
            exposures = Exposure.sudo()._get_exposure(partners, company)
            for document in documents:
                exposure = exposures[document._credit_partner().commercial_partner_id.id]
                projected, excess = self.env["credit.decision"]._projection(
                    exposure, document._credit_amount(), document._credit_counted()
                )
                document.credit_hold_exposure = projected - document._credit_amount()
                document.credit_hold_excess = excess

    # ------------------------------------------------------------------------------------------
    # Protection
    # ------------------------------------------------------------------------------------------
    def _credit_guard_message(self, fnames, guard):
        return self.env._(
            "The credit hold of a document is set by the credit check and changed only by "
            "finance's release or rejection."
        )

    # ------------------------------------------------------------------------------------------
    # Decision
    # ------------------------------------------------------------------------------------------
    def _credit_decide(self, amount=None, counted=None):
        """The credit decision for this document as it stands (see credit.decision), or for
        ``amount`` of it (an increase of a confirmed order)."""
        self.ensure_one()
        return self.env["credit.decision"]._decide(
            self._credit_partner(),
            self._credit_amount() if amount is None else amount,
            self._credit_company(),
            counted=self._credit_counted() if counted is None else counted,
        )

    def _credit_last_release(self):
        self.ensure_one()
        return (
            self.env["credit.release"]
            .sudo()
            .search(
                [(self._credit_release_field, "=", self.id), ("answer", "=", "release")],
                order="date desc, id desc",
                limit=1,
            )
        )

    def _credit_release_covers(self):
        """A release covers the document while it asks for no more than the amount released,
        for the same customer and company, and the customer's credit status is no worse than
        when finance released (a hold or a block placed since ends it)."""
        self.ensure_one()
        if self.credit_hold_state != "released":
            return False
        release = self._credit_last_release()
        company = self._credit_company()
        partner = self._credit_partner().commercial_partner_id
        if not release or release.partner_id != partner or release.company_id != company:
            return False
        if company.currency_id.compare_amounts(self._credit_amount(), release.amount) > 0:
            return False
        status = partner.with_company(company).sudo().credit_status or "not_assessed"
        then = release.partner_status or "not_assessed"
        return not (status in HOLD_STATUSES and STATUS_RANK[status] > STATUS_RANK[then])

    def _credit_check_resubmission(self):
        """A document finance rejected goes back to finance only through a resubmission with a
        business reason (the superuser's flows, such as the portal, hold it again)."""
        if self.env.su:
            return
        resubmitted = self.env.cr.cache.get(RESUBMITTED, {})
        rejected = self.filtered(
            lambda d: d.credit_hold_state == "rejected" and d.id not in resubmitted
        )
        if rejected:
            raise UserError(
                self.env._(
                    "Finance rejected %(documents)s. Use Resubmit to Finance and give the "
                    "business reason to ask again.",
                    documents=", ".join(rejected.mapped("display_name")),
                )
            )

    def _credit_held_by_hand(self):
        """The documents finance holds by hand (held, or rejected and resubmitted): whatever
        the credit check says, and whether or not the company checks this kind of document,
        only finance's release lets them go."""
        return self.filtered(
            lambda d: d.sudo().credit_hold_manual and d.credit_hold_state in ("held", "rejected")
        )

    def _credit_process(self):
        """Decide on each document, in order; go on with those that pass, hold the others.

        The customers are locked first (see credit.decision._lock_partners), and documents are
        decided one after the other, so that each decision sees the ones confirmed before it,
        in this transaction or in any other.

        :return: what :meth:`_credit_proceed` returned, or a notification when some documents
            were held or confirmed with a warning.
        """
        self._credit_check_resubmission()
        held = self._credit_held_by_hand()
        for document in held.filtered(lambda d: d.credit_hold_state == "rejected"):
            document._credit_hold_again_by_hand()
        controlled = (self - held).filtered(lambda d: d._credit_is_controlled())
        partners = self.env["res.partner"]
        for document in controlled:
            partners |= document._credit_partner()
        self.env["credit.decision"]._lock_partners(partners)
        result = True
        uncontrolled = self - held - controlled
        if uncontrolled:
            result = uncontrolled._credit_proceed()
        warned = []
        for document in controlled:
            decision = None
            if not document._credit_exempt() and not document._credit_release_covers():
                decision = document._credit_decide()
            if decision and decision["level"] == "block":
                document._credit_hold(decision)
                held |= document
                continue
            was_held = document.credit_hold_state in ("held", "rejected")
            result = document._credit_proceed()
            if was_held:
                document._credit_clear_hold()
            if decision and decision["level"] == "warn":
                document.sudo().message_post(body=plaintext2html(decision["message"]))
                warned.append((document, decision))
        if held:
            return held._credit_hold_notification()
        if warned:
            Decision = self.env["credit.decision"]
            return credit_notification(
                self.env._("Confirmed with a credit warning"),
                "\n\n".join(
                    self.env._(
                        "%(document)s: %(rules)s",
                        document=document.display_name,
                        rules=Decision._rule_names(",".join(r["code"] for r in decision["rules"])),
                    )
                    for document, decision in warned
                ),
                "warning",
            )
        return result

    def _credit_hold(self, decision):
        """Hold the document for finance with the decision's explanation. The first hold
        date stays; finance gets one activity per hold, with the salesperson's reason when
        the document was resubmitted."""
        self.ensure_one()
        note = self.env.cr.cache.get(RESUBMITTED, {}).get(self.id)
        sudo_doc = self.sudo()
        already_held = self.credit_hold_state == "held"
        vals = {
            "credit_hold_state": "held",
            "credit_hold_message": decision["message"],
            "credit_hold_rules": ",".join(rule["code"] for rule in decision["rules"]),
        }
        if not already_held or not sudo_doc.credit_hold_date:
            vals["credit_hold_date"] = fields.Datetime.now()
        self._credit_workflow_write(vals)
        sudo_doc.message_post(body=plaintext2html(decision["message"]))
        if not already_held:
            # finance reads the activity in its own language, the chatter keeps the author's
            controller = self._credit_company()._credit_controller()
            finance = reader_env(self.env, controller)
            explanation = self.env["credit.decision"]._message_in(decision, finance.lang)
            self._credit_ask_finance(
                finance._(
                    "Credit hold: release or reject %(document)s", document=self.display_name
                ),
                explanation if not note else f"{note}\n\n{explanation}",
                user=controller,
            )

    def _credit_ask_finance(self, summary, note, user=None):
        """An activity of the credit hold type for the company's credit controller (or
        ``user``); finance's release or rejection closes it."""
        self.ensure_one()
        user = user or self._credit_company()._credit_controller()
        self.sudo().activity_schedule(
            "credit_management.mail_activity_type_credit_hold",
            user_id=user.id or self.env.uid,
            summary=summary,
            note=plaintext2html(note),
        )

    def _credit_clear_hold(self):
        """A held document passed the check on its own (the customer paid, the amount went
        down): no release is needed any more."""
        self._credit_workflow_write({"credit_hold_state": False})
        self._credit_finance_activities().action_feedback(
            feedback=self.env._("The document passed the credit check; no release needed.")
        )

    def _credit_finance_activities(self):
        activity_type = self.env.ref("credit_management.mail_activity_type_credit_hold")
        return self.sudo().activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

    def _credit_hold_notification(self):
        message = "\n\n".join(
            self.env._(
                "%(document)s waits for finance.\n%(explanation)s",
                document=doc.display_name,
                explanation=doc.sudo().credit_hold_message,
            )
            for doc in self
        )
        return credit_notification(self.env._("Credit hold"), message, "warning", True)

    # ------------------------------------------------------------------------------------------
    # Finance's hold by hand, the salesperson's resubmission (credit.reason.wizard)
    # ------------------------------------------------------------------------------------------
    def _credit_hold_manual(self, reason):
        """Finance holds one document by hand, with a reason: a pending document cannot be
        confirmed or posted, a confirmed order cannot be invoiced, until finance releases it."""
        self.ensure_one()
        if self.credit_hold_state == "held":
            raise UserError(
                self.env._("%(document)s is already on credit hold.", document=self.display_name)
            )
        message = self.env._("Held by %(user)s: %(reason)s", user=self.env.user.name, reason=reason)
        self._credit_workflow_write(
            {
                "credit_hold_state": "held",
                "credit_hold_manual": True,
                "credit_hold_message": message,
                "credit_hold_rules": False,
                "credit_hold_date": fields.Datetime.now(),
            }
        )
        self.sudo().message_post(body=plaintext2html(message))
        salesperson = self._credit_salesperson()
        if salesperson:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=salesperson.id,
                summary=self.env._("Finance put %(document)s on credit hold", document=self.name),
                note=plaintext2html(reason),
            )
        return credit_notification(
            self.env._("Credit hold"),
            self.env._("%(document)s is on credit hold.", document=self.display_name),
        )

    def _credit_resubmit(self, reason):
        """The salesperson sends a rejected document back to finance with a business reason:
        it goes through the credit check again (a document held by hand goes straight back to
        finance), and finance gets the reason."""
        self.ensure_one()
        if self.credit_hold_state != "rejected":
            raise UserError(
                self.env._("%(document)s was not rejected by finance.", document=self.display_name)
            )
        note = self.env._(
            "Resubmitted to finance by %(user)s: %(reason)s",
            user=self.env.user.name,
            reason=reason,
        )
        self.sudo().message_post(body=plaintext2html(note))
        resubmitted = self.env.cr.cache.setdefault(RESUBMITTED, {})
        resubmitted[self.id] = note
        try:
            if self._credit_is_pending():
                return self._credit_process()
            # a confirmed order whose increase finance rejected: decided again as it stands
            if self._credit_held_by_hand():
                self._credit_hold_again_by_hand()
            else:
                self.env["credit.decision"]._lock_partners(self._credit_partner())
                decision = self._credit_decide()
                if decision["level"] != "block":
                    self._credit_clear_hold()
                    return credit_notification(
                        self.env._("Credit check passed"),
                        self.env._(
                            "%(document)s passes the credit check now.",
                            document=self.display_name,
                        ),
                    )
                self._credit_hold(decision)
            return self._credit_hold_notification()
        finally:
            resubmitted.pop(self.id, None)

    def _credit_hold_again_by_hand(self):
        """A document finance held by hand, rejected, then resubmitted: back to finance."""
        self.ensure_one()
        self._credit_workflow_write({"credit_hold_state": "held"})
        note = self.env.cr.cache.get(RESUBMITTED, {}).get(self.id) or ""
        controller = self._credit_company()._credit_controller()
        self._credit_ask_finance(
            reader_env(self.env, controller)._(
                "Credit hold: release or reject %(document)s", document=self.display_name
            ),
            f"{note}\n\n{self.sudo().credit_hold_message}",
            user=controller,
        )

    # ------------------------------------------------------------------------------------------
    # Finance's answer (called by credit.release.wizard, after its checks)
    # ------------------------------------------------------------------------------------------
    def _credit_release(self, release):
        self.ensure_one()
        self._credit_workflow_write(
            {
                "credit_hold_state": "released",
                "credit_hold_manual": False,
                "credit_released_amount": release.amount,
            }
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
        if self._credit_is_pending() and not release.manual_hold:
            # the salesperson asked to confirm: the release confirms
            return self.sudo()._credit_process()
        return True

    def _credit_reject(self, release):
        self.ensure_one()
        self._credit_workflow_write({"credit_hold_state": "rejected"})
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

    def action_credit_hold_manual(self):
        return self._credit_reason_wizard_action("hold")

    def action_credit_resubmit(self):
        return self._credit_reason_wizard_action("resubmit")

    def _credit_reason_wizard_action(self, mode):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.credit_reason_wizard_action"
        )
        action["name"] = dict(
            self.env["credit.reason.wizard"]._fields["mode"]._description_selection(self.env)
        )[mode]
        action["context"] = {f"default_{self._credit_release_field}": self.id, "default_mode": mode}
        return action
