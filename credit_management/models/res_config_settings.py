from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_control_enabled = fields.Boolean(
        related="company_id.credit_control_enabled", readonly=False
    )
    credit_include_draft_invoices = fields.Boolean(
        related="company_id.credit_include_draft_invoices", readonly=False
    )
    credit_include_uninvoiced_orders = fields.Boolean(
        related="company_id.credit_include_uninvoiced_orders", readonly=False
    )
    credit_overdue_grace_days = fields.Integer(
        related="company_id.credit_overdue_grace_days", readonly=False
    )
    credit_net_unapplied_overdue = fields.Boolean(
        related="company_id.credit_net_unapplied_overdue", readonly=False
    )
    credit_warning_threshold = fields.Float(
        related="company_id.credit_warning_threshold", readonly=False
    )
    credit_review_months = fields.Integer(related="company_id.credit_review_months", readonly=False)
    credit_check_invoices = fields.Boolean(
        related="company_id.credit_check_invoices", readonly=False
    )
    credit_release_manager_amount = fields.Monetary(
        related="company_id.credit_release_manager_amount",
        currency_field="currency_id",
        readonly=False,
    )
    credit_new_customer_rule = fields.Selection(
        related="company_id.credit_new_customer_rule", readonly=False
    )
    credit_new_customer_amount = fields.Monetary(
        related="company_id.credit_new_customer_amount",
        currency_field="currency_id",
        readonly=False,
    )
    credit_review_overdue_rule = fields.Selection(
        related="company_id.credit_review_overdue_rule", readonly=False
    )
    credit_review_grace_days = fields.Integer(
        related="company_id.credit_review_grace_days", readonly=False
    )
    credit_assessment_manager_amount = fields.Monetary(
        related="company_id.credit_assessment_manager_amount",
        currency_field="currency_id",
        readonly=False,
    )
    credit_review_notice_days = fields.Integer(
        related="company_id.credit_review_notice_days", readonly=False
    )
    credit_warning_signals = fields.Integer(
        related="company_id.credit_warning_signals", readonly=False
    )
    credit_overdue_levels = fields.Char(related="company_id.credit_overdue_levels", readonly=False)
    credit_overdue_hold_level = fields.Integer(
        related="company_id.credit_overdue_hold_level", readonly=False
    )
    credit_snapshot_keep_days = fields.Integer(
        related="company_id.credit_snapshot_keep_days", readonly=False
    )
    credit_snapshot_keep_months = fields.Integer(
        related="company_id.credit_snapshot_keep_months", readonly=False
    )
    credit_controller_id = fields.Many2one(
        related="company_id.credit_controller_id", readonly=False
    )

    @api.onchange("credit_control_enabled")
    def _onchange_credit_control_enabled(self):
        # credit control works on Odoo's own credit limit: keep both switches consistent
        if self.credit_control_enabled:
            self.account_use_credit_limit = True

    def action_credit_settings(self):
        return self.env["res.company"].action_credit_settings()

    def set_values(self):
        res = super().set_values()
        # whatever order the related fields were written in, credit control keeps Odoo's
        # customer credit limit on
        for settings in self.filtered("credit_control_enabled"):
            settings.company_id.account_use_credit_limit = True
        return res
