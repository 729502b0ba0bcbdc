from odoo import api, fields, models
from odoo.exceptions import ValidationError

# P3.1.2: every existing customer is assessed at least once a year.
MAX_REVIEW_MONTHS = 12


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
        string="Analyst Release Tolerance",
        currency_field="currency_id",
        help="Finance analysts may release held documents up to this amount above the credit "
        "limit; beyond it, or for a blocked customer, a credit manager must release.",
    )
    credit_new_customer_rule = fields.Selection(
        [("off", "Off"), ("warn", "Warn"), ("block", "Block")],
        string="Orders without Assessment",
        default="off",
        required=True,
        help="What the credit check does with an order of a customer who has no approved credit "
        "assessment in this company (P3.1.2: new customers are assessed before trading).",
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

    @api.constrains("credit_release_manager_amount")
    def _check_credit_release_manager_amount(self):
        for company in self:
            if company.credit_release_manager_amount < 0:
                raise ValidationError(
                    self.env._(
                        "The analyst release tolerance cannot be negative (%(company)s).",
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
                    ("groups_id", "in", self.env.ref("credit_management.group_credit_manager").ids),
                    ("share", "=", False),
                    ("company_ids", "in", company.ids),
                ],
                order="id",
                limit=1,
            )
        )

    @api.constrains("credit_overdue_grace_days")
    def _check_credit_overdue_grace_days(self):
        for company in self:
            if company.credit_overdue_grace_days < 0:
                raise ValidationError(
                    self.env._(
                        "The overdue grace days cannot be negative (%(company)s).",
                        company=company.name,
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
        if vals.get("credit_control_enabled"):
            vals = dict(vals, account_use_credit_limit=True)
        return super().write(vals)
