from contextlib import contextmanager

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, plaintext2html

from .credit_common import ANALYST, AUDITOR, CREDIT_READERS, CREDIT_STATUSES, HOLD_STATUSES, MANAGER
from .credit_exposure import EXPOSURE_FIGURES
from .credit_guarded import is_credit_workflow
from .credit_history import HISTORY_FIELDS

# The fields of the credit profile that only finance (analysts and managers) may change;
# Odoo's own credit limit fields besides need a reason and stay under the manager threshold.
CREDIT_PROFILE_FIELDS = {
    "credit_status",
    "credit_hold_reason",
    "credit_next_review_date",
    "credit_rating_id",
    "credit_score",
    "credit_assessment_id",
}
CREDIT_LIMIT_FIELDS = {"credit_limit", "use_partner_credit_limit"}
# Cursor cache key: (reason, assessment id) of the credit profile changes being written.
CHANGE = "credit_management.credit_change"


def _exposure_amount(string, help=None):  # pylint: disable=redefined-builtin
    """An amount of the customer's exposure, in company currency, for the credit groups."""
    return fields.Monetary(
        string=string,
        help=help,
        currency_field="credit_currency_id",
        compute="_compute_credit_exposure",
        groups=CREDIT_READERS,
    )


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ("res.partner", "credit.guarded")

    _credit_guarded_fields = dict.fromkeys(CREDIT_PROFILE_FIELDS | CREDIT_LIMIT_FIELDS, ANALYST)

    # Odoo's own per-company limit is the credit limit: finance and audit read it too.
    credit_limit = fields.Float(
        tracking=True,
        groups="account.group_account_invoice,account.group_account_readonly,"
        "credit_management.group_credit_analyst,credit_management.group_credit_auditor",
    )
    credit_status = fields.Selection(
        CREDIT_STATUSES,
        company_dependent=True,
        tracking=True,
        groups=CREDIT_READERS,
        help="Not Assessed: no approved credit assessment yet. Approved: trading on the "
        "approved limit. Watch: under closer monitoring. On Hold: new orders stop until "
        "finance lifts the hold. Blocked: no credit at all.",
    )
    credit_hold_reason = fields.Text(
        string="Hold Reason",
        company_dependent=True,
        tracking=True,
        groups=CREDIT_READERS,
        help="Why finance placed this customer on hold or blocked it.",
    )
    credit_next_review_date = fields.Date(
        string="Next Credit Review",
        company_dependent=True,
        tracking=True,
        groups=CREDIT_READERS,
    )

    credit_rating_id = fields.Many2one(
        "credit.rating",
        company_dependent=True,
        tracking=True,
        groups=CREDIT_READERS,
    )
    credit_score = fields.Float(
        company_dependent=True,
        groups=f"{ANALYST},{AUDITOR}",
        help="Weighted score of the last approved credit assessment.",
    )
    credit_assessment_id = fields.Many2one(
        "credit.assessment",
        string="Last Approved Assessment",
        company_dependent=True,
        groups=CREDIT_READERS,
    )
    credit_early_warning = fields.Text(
        compute="_compute_credit_early_warning",
        groups=CREDIT_READERS,
        help="The signals of the customer's open early-warning event (salespeople see those of "
        "the customers they are the salesperson of).",
    )
    credit_is_finance = fields.Boolean(
        compute="_compute_credit_is_finance",
        help="The current user changes credit profiles (finance): the form lets them.",
    )
    credit_relevant = fields.Boolean(
        string="Has Credit",
        compute="_compute_credit_relevant",
        search="_search_credit_relevant",
        groups=CREDIT_READERS,
        help="A customer with a credit limit, a credit status other than not assessed, or any "
        "exposure in the current company.",
    )
    credit_assessment_count = fields.Integer(
        compute="_compute_credit_assessment_count", groups=CREDIT_READERS
    )

    # Exposure, computed by credit.exposure for the commercial partner, in company currency.
    credit_currency_id = fields.Many2one("res.currency", compute="_compute_credit_currency_id")
    credit_receivable_not_due = _exposure_amount("Receivable Not Due")
    credit_overdue_amount = _exposure_amount("Overdue")
    credit_unapplied_credits = _exposure_amount(
        "Unapplied Credits",
        help="Payments and credit notes not yet matched with an invoice (they lower the exposure).",
    )
    credit_overdue_days = fields.Integer(
        string="Days Overdue",
        compute="_compute_credit_exposure",
        groups=CREDIT_READERS,
        help="Age in days of the oldest overdue receivable.",
    )
    credit_draft_invoice_amount = _exposure_amount("Draft Invoices")
    credit_uninvoiced_order_amount = _exposure_amount("Uninvoiced Orders")
    credit_exposure = _exposure_amount(
        "Credit Exposure",
        help="Receivables (due and not due), plus draft invoices and uninvoiced confirmed "
        "orders when the company counts them.",
    )
    credit_temporary_limit = _exposure_amount(
        "Temporary Increase",
        help="Temporary credit limit increases approved by finance and in force today.",
    )
    credit_effective_limit = _exposure_amount(
        "Limit in Force",
        help="The credit limit plus the temporary increases in force, capped at the insured "
        "amount plus the company's own risk when the company insures its credit.",
    )
    credit_insured_amount = _exposure_amount(
        "Insured Amount", help="Credit insurance in force today for this customer."
    )
    credit_uninsured_exposure = _exposure_amount(
        "Uninsured Exposure", help="Exposure above the insured amount."
    )
    credit_promises_kept = fields.Integer(
        string="Promises Kept",
        compute="_compute_credit_promises",
        groups=CREDIT_READERS,
        help="Promises to pay kept in the last 12 months.",
    )
    credit_promises_broken = fields.Integer(
        string="Promises Broken",
        compute="_compute_credit_promises",
        groups=CREDIT_READERS,
        help="Promises to pay broken in the last 12 months.",
    )
    credit_available = _exposure_amount(
        "Available Credit",
        help="Credit limit minus exposure (zero when the customer has no limit).",
    )
    credit_utilization = fields.Float(
        string="Credit Utilisation (%)",
        compute="_compute_credit_exposure",
        groups=CREDIT_READERS,
    )
    credit_over_limit = fields.Boolean(
        string="Over Credit Limit",
        compute="_compute_credit_exposure",
        search="_search_credit_over_limit",
        groups=CREDIT_READERS,
    )
    credit_is_overdue = fields.Boolean(
        string="Overdue Beyond Grace",
        compute="_compute_credit_exposure",
        search="_search_credit_is_overdue",
        groups=CREDIT_READERS,
        help="Has a receivable overdue for more than the company's grace days.",
    )
    credit_on_hold = fields.Boolean(
        compute="_compute_credit_on_hold",
        search="_search_credit_on_hold",
        groups=CREDIT_READERS,
    )
    credit_review_due = fields.Boolean(
        compute="_compute_credit_review_due",
        search="_search_credit_review_due",
        groups=CREDIT_READERS,
    )

    # ------------------------------------------------------------------------------------------
    # Computes and searches
    # ------------------------------------------------------------------------------------------
    @api.depends_context("company")
    def _compute_credit_currency_id(self):
        self.credit_currency_id = self.env.company.currency_id

    @api.depends_context("company")
    def _compute_credit_exposure(self):
        """Every figure of credit.exposure for these partners, written to the cache a field
        at a time (contacts show their commercial partner's figures)."""
        Exposure = self.env["credit.exposure"]
        real = self.filtered("id")
        commercial = Exposure._commercial_map(real)
        exposures = Exposure._get_exposure(
            real, self.env.company, commercial_ids=sorted(set(commercial.values()))
        )
        empty = Exposure._empty_exposure()
        rows = [exposures.get(commercial.get(pid), empty) for pid in self._ids]
        for figure in EXPOSURE_FIGURES:
            if figure.partner_field:
                self.env.cache.update(
                    self, self._fields[figure.partner_field], [row[figure.key] for row in rows]
                )

    def _read_format(self, fnames, load="_classic_read"):
        """Reading exposure figures of many partners (a list, an export, an RPC read) computes
        them for all of them at once: one exposure query, not one per batch of 1,000."""
        exposure_fields = {f.partner_field for f in EXPOSURE_FIGURES if f.partner_field}
        if len(self) > 1 and exposure_fields & set(fnames):
            field = self._fields["credit_exposure"]
            missing = self.browse(self.env.cache.get_missing_ids(self, field)).filtered("id")
            if missing:
                missing._compute_credit_exposure()
        return super()._read_format(fnames, load=load)

    @api.depends("credit_status")
    @api.depends_context("company")
    def _compute_credit_on_hold(self):
        for partner in self:
            partner.credit_on_hold = partner.commercial_partner_id.credit_status in HOLD_STATUSES

    @api.depends("credit_next_review_date")
    @api.depends_context("company")
    def _compute_credit_review_due(self):
        today = fields.Date.context_today(self)
        for partner in self:
            review_date = partner.commercial_partner_id.credit_next_review_date
            partner.credit_review_due = bool(review_date and review_date <= today)

    @api.depends_context("company")
    def _compute_credit_early_warning(self):
        events = self.env["credit.event"]._open_cron_events(
            self.env.company, "early_warning", self.commercial_partner_id.ids
        )
        text = {event.partner_id.id: event.description for event in events}
        # P3.3.1: a salesperson follows the signals of their own customers
        everyone = self.env.user.has_group(ANALYST) or self.env.user.has_group(AUDITOR)
        for partner in self:
            commercial = partner.commercial_partner_id
            visible = everyone or commercial.user_id == self.env.user
            partner.credit_early_warning = visible and text.get(commercial.id, False)

    @api.depends_context("uid")
    def _compute_credit_is_finance(self):
        self.credit_is_finance = self.env.user.has_group(ANALYST)

    @api.depends_context("company")
    def _compute_credit_relevant(self):
        relevant = self.search([("id", "in", self.ids), ("credit_relevant", "=", True)])
        for partner in self:
            partner.credit_relevant = partner in relevant

    def _search_credit_relevant(self, operator, value):
        Partner = self.sudo()
        query = Partner._search(
            [
                "|",
                ("credit_limit", ">", 0),
                ("credit_status", "in", ("approved", "watch", "hold", "blocked")),
            ]
        )
        exposed = self.env["credit.exposure"]._exposed_query(self.env.company)
        sql = SQL("(%s) UNION (%s)", query.subselect(), exposed)
        return self._credit_search_domain(operator, value, sql)

    def _compute_credit_assessment_count(self):
        counts = dict(
            self.env["credit.assessment"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.credit_assessment_count = counts.get(partner.commercial_partner_id, 0)

    def _credit_search_domain(self, operator, value, partner_ids_sql):
        """Domain for a boolean credit filter whose true set of commercial partners is given by
        the SQL sub-select ``partner_ids_sql`` (contacts follow their commercial partner)."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(self.env._("Unsupported search on a credit filter."))
        positive = (operator == "=") == value
        return [
            ("commercial_partner_id", "in" if positive else "not in", SQL("(%s)", partner_ids_sql))
        ]

    def _search_credit_over_limit(self, operator, value):
        sql = self.env["credit.exposure"]._over_limit_query(self.env.company)
        return self._credit_search_domain(operator, value, sql)

    def _search_credit_is_overdue(self, operator, value):
        sql = self.env["credit.exposure"]._overdue_query(self.env.company)
        return self._credit_search_domain(operator, value, sql)

    def _search_credit_on_hold(self, operator, value):
        query = self.sudo()._search([("credit_status", "in", HOLD_STATUSES)])
        return self._credit_search_domain(operator, value, query.subselect())

    def _search_credit_review_due(self, operator, value):
        today = fields.Date.context_today(self)
        query = self.sudo()._search([("credit_next_review_date", "<=", today)])
        return self._credit_search_domain(operator, value, query.subselect())

    # ------------------------------------------------------------------------------------------
    # Constraints and write protection
    # ------------------------------------------------------------------------------------------
    @api.constrains("credit_status", "credit_hold_reason")
    def _check_credit_hold_reason(self):
        for partner in self.sudo():
            if (
                partner.credit_status in HOLD_STATUSES
                and not (partner.credit_hold_reason or "").strip()
            ):
                raise ValidationError(
                    self.env._(
                        "A reason is required to put %(partner)s on hold or to block it.",
                        partner=partner.display_name,
                    )
                )

    @api.constrains("credit_limit")
    def _check_credit_limit(self):
        for partner in self.sudo():
            if partner.credit_limit < 0:
                raise ValidationError(
                    self.env._(
                        "The credit limit of %(partner)s cannot be negative: no limit means "
                        "no credit.",
                        partner=partner.display_name,
                    )
                )

    @api.model
    def _credit_change_reason(self):
        """Why the credit profile changes: given by the workflow (:meth:`_credit_change`), or
        by a program in the context key ``credit_change_reason`` (RPC), or the import itself
        when finance imports customers."""
        change = self.env.cr.cache.get(CHANGE)
        reason = change[0] if change else self.env.context.get("credit_change_reason")
        if not reason and self.env.context.get("import_file"):
            reason = self.env._("Imported by %(user)s", user=self.env.user.name)
        return reason

    @contextmanager
    def _credit_change(self, reason, assessment=None, decision=None):
        """The credit profile changes written inside are made for ``reason`` (and come from
        ``assessment`` or a credit meeting's ``decision``): the history keeps them. A cursor
        cache key, not a context key: a program could forge the context over RPC."""
        cache = self.env.cr.cache
        previous = cache.get(CHANGE)
        cache[CHANGE] = (
            reason,
            assessment.id if assessment else False,
            decision.id if decision else False,
        )
        try:
            yield
        finally:
            cache[CHANGE] = previous

    def _credit_set_limit(self, limit, reason, decision=None):
        """The one writer of a customer's credit limit by hand: finance's Change Credit Limit
        and a credit meeting's decision. The write is checked as any other (finance, a reason,
        a manager above the threshold); the history keeps the reason and the decision, the
        chatter says it."""
        self.ensure_one()
        company = self.env.company
        partner = self.commercial_partner_id
        old = partner.sudo().credit_limit
        with self._credit_change(reason, decision=decision):
            partner.write({"credit_limit": limit})
        Decision = self.env["credit.decision"]
        body = self.env._(
            "Credit limit changed from %(old)s to %(new)s in %(company)s. Reason: %(reason)s",
            old=Decision._money(old, company),
            new=Decision._money(limit, company),
            company=company.name,
            reason=reason,
        )
        partner.message_post(body=body, subtype_xmlid="mail.mt_note")
        return body

    def _credit_set_rating(self, rating, reason, decision=None):
        """A credit rating set by a credit meeting's decision (an assessment sets its own)."""
        self.ensure_one()
        partner = self.commercial_partner_id
        with self._credit_change(reason, decision=decision):
            partner.write({"credit_rating_id": rating.id})
        partner.message_post(
            body=self.env._(
                "Credit rating set to %(rating)s in %(company)s. Reason: %(reason)s",
                rating=rating.name,
                company=self.env.company.name,
                reason=reason,
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _credit_set_status(
        self, status, reason, hold_reason=None, only_from=None, assessment=None, decision=None
    ):
        """The one writer of customers' credit status in the current company: the hold wizard,
        the events, the crons and the assessment approval all call it, for one customer or
        thousands (one write and one batch of chatter notes for all of them). The write is
        checked as any other (finance only); the history keeps ``reason`` and the chatter of
        each customer says it.

        :param hold_reason: the reason shown on orders while on hold or blocked (default
            ``reason``); leaving the hold statuses clears it.
        :param only_from: the statuses the customer must have for the change (None: any);
            customers in another status are left as they are.
        :return: the commercial partners whose status changed.
        """
        company = self.env.company
        label = dict(self._fields["credit_status"]._description_selection(self.env))[status]
        partners = self.commercial_partner_id
        current = {
            partner.id: partner.credit_status or "not_assessed" for partner in partners.sudo()
        }
        if only_from is not None:
            partners = partners.filtered(lambda p: current[p.id] in only_from)
        unchanged = partners.filtered(lambda p: current[p.id] == status)
        changed = partners - unchanged
        with self._credit_change(reason, assessment, decision):
            if unchanged and status in HOLD_STATUSES and hold_reason:
                # already there: a new reason for the hold replaces the old one
                unchanged.write({"credit_hold_reason": hold_reason})
            if changed:
                changed.write(
                    {
                        "credit_status": status,
                        "credit_hold_reason": (hold_reason or reason)
                        if status in HOLD_STATUSES
                        else False,
                    }
                )
        if changed:
            body = self.env._(
                "Credit status changed to %(status)s in %(company)s. Reason: %(reason)s",
                status=label,
                company=company.name,
                reason=reason,
            )
            changed.sudo()._message_log_batch(
                bodies=dict.fromkeys(changed.ids, plaintext2html(body))
            )
        return changed

    def _credit_check_guarded(self, vals, create=False):
        """Only finance writes the credit profile and the limit, on every path (create,
        write, import, RPC); a limit changes with a reason, and above the manager threshold
        only a credit manager (or an approved assessment) sets it. The one exception is Odoo
        copying a company's limit to its contacts (the limit is a commercial field)."""
        if "credit_limit" in vals and self._credit_limit_synced(vals, create):
            vals = {k: v for k, v in vals.items() if k not in CREDIT_LIMIT_FIELDS}
        super()._credit_check_guarded(vals, create=create)
        limit_fields = {f for f in CREDIT_LIMIT_FIELDS if f in vals and (vals[f] or not create)}
        if not limit_fields or is_credit_workflow(self.env):
            return
        if not (self._credit_change_reason() or "").strip():
            raise UserError(
                self.env._(
                    "A credit limit changes with a reason: use Change Credit Limit on the "
                    "customer's Credit tab."
                )
            )
        company = self.env.company
        threshold = company.credit_assessment_manager_amount
        limit = vals.get("credit_limit") or 0.0
        if (
            threshold
            and company.currency_id.compare_amounts(limit, threshold) > 0
            and not self.env.user.has_group(MANAGER)
        ):
            raise AccessError(
                self.env._(
                    "A credit limit above %(threshold)s needs a credit manager or an approved "
                    "credit assessment.",
                    threshold=self.env["credit.decision"]._money(threshold, company),
                )
            )

    def _credit_guard_message(self, fnames, guard):
        return self.env._(
            "Only finance (credit analysts and managers) can change a customer's "
            "credit limit, status, hold or review date."
        )

    def _credit_limit_synced(self, vals, create):
        """True when ``vals`` only gives contacts, staying contacts, the limit their company
        already has: Odoo's sync of commercial fields, not a change of anyone's credit."""
        if set(vals) & {"is_company"} or (not create and "parent_id" in vals):
            return False
        if create:
            parent = self.browse(vals.get("parent_id")).sudo()
            contacts = [(parent.commercial_partner_id, bool(parent))]
        else:
            contacts = [
                (p.sudo().commercial_partner_id, p.commercial_partner_id != p) for p in self
            ]
        currency = self.env.company.currency_id
        return all(
            is_contact and currency.compare_amounts(company.credit_limit, vals["credit_limit"]) == 0
            for company, is_contact in contacts
        )

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        tracked = {fname for vals in vals_list for fname in vals if fname in HISTORY_FIELDS}
        if tracked:
            empty = dict.fromkeys(tracked, False)
            partners._credit_record_history(
                {partner.id: empty for partner in partners},
                partners._credit_profile_values(tracked),
            )
        return partners

    def write(self, vals):
        tracked = [fname for fname in HISTORY_FIELDS if fname in vals]
        if "use_partner_credit_limit" in vals and "credit_limit" not in tracked:
            tracked.append("credit_limit")
        before = self._credit_profile_values(tracked) if tracked else {}
        res = super().write(vals)
        if tracked:
            self._credit_record_history(before, self._credit_profile_values(tracked))
        return res

    def _credit_profile_values(self, fnames):
        """Values of credit profile fields in the current company, as the history keeps them
        (amounts, status keys, rating ids)."""
        result = {}
        for partner in self.sudo():
            result[partner.id] = {
                fname: partner[fname].id if fname == "credit_rating_id" else partner[fname]
                for fname in fnames
            }
        return result

    def _credit_record_history(self, before, after):
        """One history row per changed field of each commercial partner (contacts follow
        their company and have no history of their own)."""
        company = self.env.company
        changed = self.filtered(
            lambda p: p == p.commercial_partner_id and before[p.id] != after[p.id]
        )
        files = self.env["credit.file"]._for_partners(changed, company)
        History = self.env["credit.history"]
        change = self.env.cr.cache.get(CHANGE)
        rows = []
        for partner in changed:
            for fname, new in after[partner.id].items():
                old = before[partner.id][fname]
                if (old or False) == (new or False):
                    continue
                rows.append(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "file_id": files[partner.id].id,
                        "kind": HISTORY_FIELDS[fname],
                        "reason": self._credit_change_reason(),
                        "assessment_id": change[1] if change else False,
                        "meeting_decision_id": change[2] if change else False,
                    }
                    | History._typed_values(HISTORY_FIELDS[fname], old, new)
                )
        if rows:
            History._credit_workflow_create(rows)

    def action_report_credit_event(self):
        return self.commercial_partner_id._credit_event_form_action({})

    def _credit_event_form_action(self, defaults):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Report an Anomaly"),
            "res_model": "credit.event",
            "view_mode": "form",
            "views": [(self.env.ref("credit_management.credit_event_view_form_report").id, "form")],
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id} | defaults,
        }

    def action_view_credit_snapshots(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.credit_exposure_snapshot_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"graph_measure": "total"}
        return action

    def action_view_credit_file(self):
        self.ensure_one()
        file = self.env["credit.file"]._for_partner(self, self.env.company)
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.file",
            "res_id": file.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------
    def action_credit_change_status(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.credit_hold_wizard_action"
        )
        action["context"] = {
            "default_partner_id": self.commercial_partner_id.id,
            "default_change": "status",
            "default_new_status": self.env.context.get("credit_new_status", "hold"),
        }
        return action

    def action_credit_change_limit(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.credit_hold_wizard_action"
        )
        action["name"] = self.env._("Change Credit Limit")
        action["context"] = {
            "default_partner_id": self.commercial_partner_id.id,
            "default_change": "limit",
            "default_new_limit": self.commercial_partner_id.sudo().credit_limit,
        }
        return action

    def action_request_credit_assessment(self):
        """Open a new credit assessment for this customer, prefilled (P3.1.2, P4.1.2)."""
        self.ensure_one()
        partner = self.commercial_partner_id
        return partner._credit_assessment_form_action(
            {"default_requested_limit": partner.sudo().credit_limit}
        )

    @api.depends_context("company")
    def _compute_credit_promises(self):
        commercial = self.commercial_partner_id
        record = self.env["credit.payment.promise"]._record(commercial, self.env.company)
        for partner in self:
            kept, broken = record.get(partner.commercial_partner_id.id, (0, 0))
            partner.credit_promises_kept = kept
            partner.credit_promises_broken = broken

    def action_credit_record_promise(self):
        """Finance records the customer's promise to pay its overdue items."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Promise to Pay"),
            "res_model": "credit.payment.promise",
            "view_mode": "form",
            "target": "current",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_credit_what_if(self):
        """Finance simulates another limit, status or rating (nothing is written)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.credit_what_if_action"
        )
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_credit_request_increase(self):
        """A temporary increase of the customer's limit, requested by sales with a reason."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Temporary Credit Limit"),
            "res_model": "credit.limit.increase",
            "view_mode": "form",
            "target": "current",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_credit_invite_to_apply(self):
        """P4.1.1: invite a prospect without a portal account to apply for credit on the
        public form (the invitation's dialog: to whom, until when; then Send)."""
        self.ensure_one()
        partner = self.commercial_partner_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invite to Apply for Credit"),
            "res_model": "credit.application.invite",
            "view_mode": "form",
            "views": [
                (
                    self.env.ref("credit_management.credit_application_invite_view_form_dialog").id,
                    "form",
                )
            ],
            "target": "new",
            "context": {
                "default_partner_id": partner.id,
                "default_contact_id": (self if self.email else partner._credit_invite_contact()).id,
            },
        }

    def _credit_invite_contact(self):
        """Whom an invitation to apply goes to: the customer when it has an e-mail, else its
        first contact with one."""
        if not self or self.email:
            return self
        return self.child_ids.filtered("email")[:1] or self

    def _credit_application_under_way(self, company):
        """The customer's credit application not yet decided in ``company``, if any: one at
        a time, from the portal, a public invitation or the salesperson."""
        self.ensure_one()
        return (
            self.env["credit.assessment"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.commercial_partner_id.id),
                    ("type", "=", "new"),
                    ("company_id", "=", company.id),
                    ("state", "in", ("draft", "submitted", "review")),
                ],
                limit=1,
            )
        )

    def _credit_assessment_form_action(self, defaults):
        self.ensure_one()
        approved = self.sudo().credit_assessment_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit Assessment"),
            "res_model": "credit.assessment",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_partner_id": self.id,
                "default_type": "adhoc" if approved else "new",
                "default_annual_revenue": approved.annual_revenue,
                "default_years_in_business": approved.years_in_business,
            }
            | defaults,
        }

    def action_view_credit_assessments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.credit_assessment_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_view_credit_invoices(self):
        """Open the customer invoices and credit notes that make up the receivable exposure."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("commercial_partner_id", "=", self.commercial_partner_id.id),
            ("state", "!=", "cancel"),
            ("payment_state", "not in", ("paid", "reversed", "in_payment")),
        ]
        action["context"] = {"default_move_type": "out_invoice", "create": False}
        return action
