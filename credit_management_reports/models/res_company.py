from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_report_group_id = fields.Many2one(
        "res.groups",
        string="Monthly Credit Pack To",
        domain=[("share", "=", False)],
        default=lambda self: self.env.ref(
            "credit_management.group_credit_manager", raise_if_not_found=False
        ),
        help="The users of this group (the credit meeting) get the monthly credit pack by "
        "e-mail: receivable aging, watch list, holds and releases, compliance exceptions of "
        "the month before; only its credit analysts, managers and auditors get it. Empty: no "
        "pack is sent.",
    )
    credit_report_month = fields.Date(
        string="Last Monthly Pack",
        readonly=True,
        copy=False,
        help="First day of the month whose pack was last sent: a pack goes once per month.",
    )
