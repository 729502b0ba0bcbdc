from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from .credit_common import BOARD, MANAGER, credit_notification

# P3.1.2: every existing customer is assessed at least once a year.
MAX_REVIEW_MONTHS = 12
# Odoo's accounting groups that a company maps to a credit role (Credit Settings).
ACCOUNTING_ROLE_GROUPS = {
    "credit_role_account_invoice": "account.group_account_invoice",
    "credit_role_account_user": "account.group_account_user",
    "credit_role_account_manager": "account.group_account_manager",
}
CREDIT_ROLES = [
    ("none", "No Credit Role"),
    ("salesperson", "Salesperson"),
    ("analyst", "Finance Analyst"),
    ("manager", "Credit Manager"),
    ("auditor", "Internal Auditor"),
]
CREDIT_ROLE_GROUPS = {
    "salesperson": "credit_management.group_credit_salesperson",
    "analyst": "credit_management.group_credit_analyst",
    "manager": "credit_management.group_credit_manager",
    "auditor": "credit_management.group_credit_auditor",
}
# Company fields a credit manager may write without being an Odoo administrator.
CREDIT_SETTING_PREFIX = "credit_"


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_control_enabled = fields.Boolean(
        string="Credit Control",
        help="Check customers' credit (limit, overdue, hold) in this company. Turning it on "
        "also turns on Odoo's customer credit limit, so that the limit and its warning "
        "banner are shown.",
    )
    credit_include_draft_invoices = fields.Boolean(
        string="Count Draft Invoices",
        default=True,
        help="Draft customer invoices count in a customer's credit exposure.",
    )
    credit_include_uninvoiced_orders = fields.Boolean(
        string="Count Uninvoiced Orders",
        default=True,
        help="Confirmed sale orders not yet invoiced count in a customer's credit exposure.",
    )
    credit_overdue_grace_days = fields.Integer(
        string="Overdue Grace Days",
        default=0,
        help="A receivable counts as overdue for credit control only this many days after "
        "its due date.",
    )
    credit_net_unapplied_overdue = fields.Boolean(
        string="Net Unapplied Credits against Overdue",
        default=True,
        help="Payments and credit notes not yet matched with an invoice are deducted from the "
        "overdue amount before the overdue rule, the Overdue filter and the overdue check "
        "look at it: a customer who has already paid more than is overdue is not blocked for "
        "overdue.",
    )
    credit_warning_threshold = fields.Float(
        string="Utilisation Warning (%)",
        default=80.0,
        help="Warn when a customer's exposure reaches this share of the credit limit.",
    )
    credit_review_months = fields.Integer(
        string="Review Frequency (months)",
        default=3,
        help="Months between two credit reviews of a customer: quarterly by policy, and never "
        "more than 12.",
    )
    credit_check_invoices = fields.Boolean(
        string="Check Invoices",
        help="Run the credit check when a customer invoice is posted, for the part of it that "
        "does not invoice a confirmed sales order; blocked invoices wait for finance's release.",
    )
    credit_release_manager_amount = fields.Monetary(
        string="Manager Release Above",
        currency_field="currency_id",
        help="Releases of held documents more than this amount above the credit limit, or for "
        "a blocked customer, need a credit manager; analysts release up to it.",
    )
    credit_new_customer_rule = fields.Selection(
        [("off", "Off"), ("warn", "Warn"), ("block", "Block")],
        string="Orders without Assessment",
        default="block",
        required=True,
        help="What the credit check does with an order of a customer who has no approved credit "
        "assessment in this company (P3.1.2: new customers are assessed before the contract, "
        "so the default blocks).",
    )
    credit_new_customer_amount = fields.Monetary(
        string="First Order Allowance",
        currency_field="currency_id",
        help="A first order up to this amount passes without an assessment.",
    )
    credit_review_overdue_rule = fields.Selection(
        [("off", "Off"), ("warn", "Warn"), ("block", "Block")],
        string="Overdue Reviews",
        default="off",
        required=True,
        help="What the credit check does when the customer's credit review is overdue.",
    )
    credit_review_grace_days = fields.Integer(
        string="Review Grace Days", help="Days after the review date before the rule fires."
    )
    credit_assessment_manager_amount = fields.Monetary(
        string="Manager Approval Above",
        currency_field="currency_id",
        help="Assessments approving a higher limit need a credit manager (0: never).",
    )
    credit_promise_softens_overdue = fields.Boolean(
        string="Promises to Pay Soften the Overdue Rule",
        help="While a customer's promise to pay is in force, overdue items warn instead of "
        "holding its orders.",
    )
    # credit insurance: the limit in force is capped at the insured amount plus the own risk
    credit_insurance_cap = fields.Boolean(
        string="Cap Limits at the Insured Amount",
        help="The limit in force of every customer is at most its credit insurance in force "
        "plus the company's own risk (a customer without insurance: the own risk).",
    )
    credit_insurance_own_risk = fields.Monetary(
        string="Own Risk",
        currency_field="currency_id",
        help="What the company accepts to lose on a customer beyond its credit insurance.",
    )
    # governance (P5.2.1, P6.3)
    credit_meeting_months = fields.Integer(
        string="Credit Meeting Every (months)",
        default=1,
        help="How often a credit meeting is planned (0: meetings are planned by hand).",
    )
    credit_meeting_next_date = fields.Date(
        string="Next Credit Meeting",
        help="The day the next meeting is planned, with its agenda built from the live data; "
        "then the date moves on by the recurrence.",
    )
    credit_meeting_chair_id = fields.Many2one(
        "res.users",
        string="Meeting Chair",
        domain=lambda self: [("groups_id", "in", self.env.ref(BOARD).ids)],
        help="A member of the Credit Management Board who chairs the meetings and approves "
        "their decisions.",
    )
    credit_meeting_release_amount = fields.Monetary(
        string="Releases on the Agenda From",
        currency_field="currency_id",
        help="Releases of at least this amount since the last meeting are on the agenda.",
    )
    credit_policy_reminder_days = fields.Integer(
        string="Policy Reminder (days)",
        default=7,
        help="Users who have not acknowledged the published credit policy are reminded every "
        "this many days (0: never).",
    )
    credit_full_review_months = fields.Integer(
        string="Full Re-assessment (months)",
        default=12,
        help="A customer whose last full assessment (with documents) is at least this old gets "
        "a full periodic re-assessment at its review; the reviews in between are monitoring "
        "reviews (indicators prefilled, sales confirms or flags, documents as configured). "
        "0: every review is a full re-assessment.",
    )
    credit_review_notice_days = fields.Integer(
        string="Review Notice (days)",
        default=14,
        help="The review scheduler prepares a periodic assessment this many days before the "
        "customer's review date.",
    )
    credit_warning_signals = fields.Integer(
        string="Early Warning Signals",
        default=2,
        help="A customer showing at least this many early-warning signals goes on the watch "
        "list with an early-warning event.",
    )
    credit_overdue_levels = fields.Char(
        string="Overdue Escalation Days",
        default="1,30,60,90",
        help="Days overdue at which the overdue check raises the escalation level, comma "
        "separated (level 1 from the first number, and so on).",
    )
    credit_overdue_hold_level = fields.Integer(
        string="Automatic Hold at Level",
        default=3,
        help="The overdue check places the customer on hold at this escalation level (0: never) "
        "and lifts that hold when the customer has paid.",
    )
    credit_snapshot_date = fields.Date(string="Last Exposure Snapshot", readonly=True, copy=False)
    credit_digest_at = fields.Datetime(
        string="Last Salespeople's Digest", readonly=True, copy=False
    )
    credit_snapshot_keep_days = fields.Integer(
        string="Keep Daily Snapshots (days)",
        default=90,
        help="Daily exposure snapshots older than this are deleted; month-end ones are kept.",
    )
    credit_snapshot_keep_months = fields.Integer(
        string="Keep Month-end Snapshots (months)", default=36
    )
    credit_controller_id = fields.Many2one(
        "res.users",
        domain="[('share', '=', False)]",
        help="Finance user who gets the activities of held orders and invoices. Empty: the "
        "first credit manager of the company.",
    )
    # Odoo's accounting groups as credit roles (for every company: groups are global)
    credit_role_account_invoice = fields.Selection(
        CREDIT_ROLES,
        string="Invoicing Users Are",
        compute="_compute_credit_roles",
        inverse="_inverse_credit_role_account_invoice",
        help="Credit role of Odoo's Invoicing users (in every company).",
    )
    credit_role_account_user = fields.Selection(
        CREDIT_ROLES,
        string="Accountants Are",
        compute="_compute_credit_roles",
        inverse="_inverse_credit_role_account_user",
        help="Credit role of the users with Odoo's full accounting features (in every company).",
    )
    credit_role_account_manager = fields.Selection(
        CREDIT_ROLES,
        string="Accounting Administrators Are",
        compute="_compute_credit_roles",
        inverse="_inverse_credit_role_account_manager",
        help="Credit role of Odoo's accounting administrators (in every company).",
    )

    @api.depends_context("uid")
    def _compute_credit_roles(self):
        roles = {}
        for fname, xmlid in ACCOUNTING_ROLE_GROUPS.items():
            implied = self.env.ref(xmlid).sudo().implied_ids
            role = "none"
            for key, group_xmlid in CREDIT_ROLE_GROUPS.items():
                if self.env.ref(group_xmlid) in implied:
                    role = key  # the last (highest) credit role implied wins
            roles[fname] = role
        for company in self:
            company.update(roles)

    # one inverse per field: an inverse reading the other fields would recompute them (one
    # compute fills the three) and lose the value being written
    def _inverse_credit_role_account_invoice(self):
        self._set_credit_role("credit_role_account_invoice")

    def _inverse_credit_role_account_user(self):
        self._set_credit_role("credit_role_account_user")

    def _inverse_credit_role_account_manager(self):
        self._set_credit_role("credit_role_account_manager")

    def _set_credit_role(self, fname):
        """Odoo's accounting group of ``fname`` implies the credit role chosen, and no other
        (its users follow: added to the new role, removed from the old one)."""
        self._check_credit_manager()
        wanted = self[:1][fname]
        accounting = self.env.ref(ACCOUNTING_ROLE_GROUPS[fname]).sudo()
        for key, group_xmlid in CREDIT_ROLE_GROUPS.items():
            credit_group = self.env.ref(group_xmlid).sudo()
            if key == wanted:
                accounting._apply_group(credit_group)
            else:
                accounting._remove_group(credit_group)

    def _check_credit_manager(self):
        if not (self.env.su or self.env.user.has_group(MANAGER)):
            self._raise_credit_settings_access()

    def _raise_credit_settings_access(self):
        raise AccessError(self.env._("Only credit managers change the credit management settings."))

    @api.constrains("credit_warning_signals")
    def _check_credit_warning_signals(self):
        for company in self:
            if company.credit_warning_signals < 1:
                raise ValidationError(
                    self.env._(
                        "An early warning needs at least one signal (%(company)s).",
                        company=company.name,
                    )
                )

    @api.constrains("credit_snapshot_keep_days", "credit_snapshot_keep_months")
    def _check_credit_snapshot_retention(self):
        for company in self:
            if company.credit_snapshot_keep_days < 1 or company.credit_snapshot_keep_months < 1:
                raise ValidationError(
                    self.env._(
                        "Exposure snapshots are kept at least one day and one month (%(company)s).",
                        company=company.name,
                    )
                )

    # settings that are amounts, days or counts and make no sense below zero
    _CREDIT_NON_NEGATIVE = (
        "credit_release_manager_amount",
        "credit_new_customer_amount",
        "credit_assessment_manager_amount",
        "credit_review_notice_days",
        "credit_full_review_months",
        "credit_review_grace_days",
        "credit_meeting_months",
        "credit_meeting_release_amount",
        "credit_insurance_own_risk",
        "credit_policy_reminder_days",
        "credit_overdue_grace_days",
    )

    @api.constrains("credit_meeting_chair_id")
    def _check_credit_meeting_chair(self):
        board = self.env.ref(BOARD).sudo()
        for company in self:
            if (
                company.credit_meeting_chair_id
                and company.credit_meeting_chair_id not in board.users
            ):
                raise ValidationError(
                    self.env._(
                        "The chair of the credit meetings is a member of the Credit Management "
                        "Board (%(company)s).",
                        company=company.name,
                    )
                )

    @api.constrains(*_CREDIT_NON_NEGATIVE)
    def _check_credit_non_negative(self):
        for company in self:
            for fname in self._CREDIT_NON_NEGATIVE:
                if company[fname] < 0:
                    raise ValidationError(
                        self.env._(
                            "%(setting)s cannot be negative (%(company)s).",
                            setting=self._fields[fname]._description_string(self.env),
                            company=company.name,
                        )
                    )

    def _credit_overdue_thresholds(self):
        self.ensure_one()
        return sorted(
            int(part) for part in (self.credit_overdue_levels or "").split(",") if part.strip()
        )

    @api.constrains("credit_overdue_levels", "credit_overdue_hold_level")
    def _check_credit_overdue_levels(self):
        for company in self:
            try:
                thresholds = company._credit_overdue_thresholds()
            except ValueError:
                thresholds = None
            if not thresholds or min(thresholds) < 0:
                raise ValidationError(
                    self.env._(
                        "Overdue escalation days are positive numbers separated by commas, "
                        "e.g. 1,30,60,90 (%(company)s).",
                        company=company.name,
                    )
                )
            if not 0 <= company.credit_overdue_hold_level <= len(thresholds):
                raise ValidationError(
                    self.env._(
                        "The automatic hold level must be between 0 and %(levels)s (%(company)s).",
                        levels=len(thresholds),
                        company=company.name,
                    )
                )

    def _credit_scope_ids(self):
        """Ids of the companies whose accounting counts for credit in this company: its root
        company and every branch of it (archived ones too: their invoices are still owed), as
        Odoo's own ``credit`` counts. Exposure, payment
        history and monitoring read accounting through it."""
        self.ensure_one()
        root = self.sudo().root_id
        Company = self.sudo().with_context(active_test=False)
        return Company.search([("id", "child_of", root.id)], order="id").ids

    @api.model
    def _credit_same_scope_sql(self, alias, other_alias):
        """SQL: the companies ``alias`` and ``other_alias`` (aliases of res_company) share
        their credit scope (:meth:`_credit_scope_ids`: the same root company)."""
        return SQL(
            "split_part(%s, '/', 1) = split_part(%s, '/', 1)",
            SQL.identifier(alias, "parent_path"),
            SQL.identifier(other_alias, "parent_path"),
        )

    def _credit_controller(self):
        """The finance user who answers credit holds in this company."""
        self.ensure_one()
        company = self.sudo()
        if company.credit_controller_id.active:
            return company.credit_controller_id
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("groups_id", "in", self.env.ref(MANAGER).ids),
                    ("share", "=", False),
                    ("company_ids", "in", company.ids),
                ],
                order="id",
                limit=1,
            )
        )

    def _credit_manager(self):
        """The credit manager who answers what exceeds the analysts' authority: the credit
        controller when a manager, otherwise the first credit manager of the company."""
        self.ensure_one()
        group = self.env.ref(MANAGER)
        controller = self.sudo().credit_controller_id
        if controller.active and group in controller.groups_id:
            return controller
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("groups_id", "in", group.ids),
                    ("share", "=", False),
                    ("company_ids", "in", self.ids),
                ],
                order="id",
                limit=1,
            )
        )

    @api.constrains("credit_warning_threshold")
    def _check_credit_warning_threshold(self):
        for company in self:
            if not 0 < company.credit_warning_threshold <= 100:
                raise ValidationError(
                    self.env._(
                        "The utilisation warning threshold must be more than 0%% and at most "
                        "100%% (%(company)s).",
                        company=company.name,
                    )
                )

    @api.constrains("credit_review_months")
    def _check_credit_review_months(self):
        for company in self:
            if not 1 <= company.credit_review_months <= MAX_REVIEW_MONTHS:
                raise ValidationError(
                    self.env._(
                        "Customers must be reviewed at least once a year: the review frequency "
                        "must be between 1 and %(max)s months (%(company)s).",
                        max=MAX_REVIEW_MONTHS,
                        company=company.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("credit_control_enabled"):
                vals["account_use_credit_limit"] = True
        return super().create(vals_list)

    def write(self, vals):
        credit_manager_only = not self.env.su and not self.env.user.has_group(
            "base.group_erp_manager"
        )
        if credit_manager_only and any(
            not fname.startswith(CREDIT_SETTING_PREFIX) for fname in vals
        ):
            # credit managers write the company's credit settings, nothing else of it
            self._raise_credit_settings_access()
        if vals.get("credit_control_enabled"):
            if credit_manager_only:
                # keeping Odoo's credit limit on is part of switching credit control on
                super(ResCompany, self.sudo()).write({"account_use_credit_limit": True})
            else:
                vals = dict(vals, account_use_credit_limit=True)
        return super().write(vals)

    # ------------------------------------------------------------------------------------------
    # Credit Settings (credit managers, without being Odoo administrators)
    # ------------------------------------------------------------------------------------------
    def action_credit_settings(self):
        """The credit management settings of the current company."""
        company = self.env.company
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit Settings"),
            "res_model": "res.company",
            "res_id": company.id,
            "view_mode": "form",
            "views": [(self.env.ref("credit_management.res_company_view_form_credit").id, "form")],
            "target": "current",
        }

    def _credit_run_now(self, model, method, title, what):
        """Run a monitoring cron's work now, batch after batch, and say how much it did."""
        self._check_credit_manager()
        done = self.env[model].sudo()._run_until_done(method)
        return credit_notification(title, what(done), then=None)

    def action_credit_run_overdue_check(self):
        return self._credit_run_now(
            "credit.monitoring.overdue",
            "_cron_overdue_check",
            self.env._("Overdue check done"),
            lambda n: self.env._(
                "%(n)s customers or credit events updated (opened, escalated or closed).", n=n
            ),
        )

    def action_credit_run_review_scheduler(self):
        return self._credit_run_now(
            "credit.monitoring.review",
            "_cron_review_scheduler",
            self.env._("Reviews scheduled"),
            lambda n: self.env._(
                "%(n)s reviews (full or monitoring) prepared for the salespeople.", n=n
            ),
        )

    def action_credit_run_early_warning(self):
        return self._credit_run_now(
            "credit.monitoring.early_warning",
            "_cron_early_warning",
            self.env._("Early warning done"),
            lambda n: self.env._("%(n)s customers raised or updated on the watch list.", n=n),
        )

    def action_credit_run_snapshot(self):
        self._check_credit_manager()
        self.env["credit.monitoring.snapshot"].sudo()._snapshot_now()
        count = (
            self.env["credit.exposure.snapshot"]
            .sudo()
            .search_count([("date", "=", fields.Date.context_today(self))])
        )
        return credit_notification(
            self.env._("Exposure snapshot taken"),
            self.env._("Today's snapshot holds %(n)s customers' exposures.", n=count),
            then=None,
        )
