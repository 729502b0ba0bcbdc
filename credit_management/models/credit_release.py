from odoo import api, fields, models

from .credit_common import CREDIT_STATUSES

RELEASE_ANSWERS = [("release", "Released"), ("reject", "Rejected")]


class CreditRelease(models.Model):
    """Finance's answer to a document held by the credit check, kept for good: what was
    decided, on which figures, by whom, when and why. Written only by the release wizard
    after its checks (nobody has the right to create one directly); append-only: nobody changes
    or deletes a release."""

    _name = "credit.release"
    _inherit = ("credit.guarded",)
    _description = "Credit Hold Release"
    _credit_append_only = True
    _order = "date desc, id desc"
    _rec_name = "document_name"

    answer = fields.Selection(RELEASE_ANSWERS, required=True, readonly=True)
    order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    move_id = fields.Many2one(
        "account.move", string="Invoice", readonly=True, index="btree_not_null", ondelete="set null"
    )
    document_name = fields.Char(string="Document", required=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    salesperson_id = fields.Many2one("res.users", readonly=True)
    amount = fields.Monetary(readonly=True, help="Amount of the document, in company currency.")
    exposure = fields.Monetary(
        string="Exposure Before", readonly=True, help="Customer's exposure without the document."
    )
    credit_limit = fields.Monetary(readonly=True)
    excess = fields.Monetary(
        string="Excess over Limit",
        readonly=True,
        help="How far the exposure with the document goes beyond the limit.",
    )
    overdue = fields.Monetary(readonly=True)
    overdue_days = fields.Integer(readonly=True)
    rule_codes = fields.Char(string="Rules Fired", readonly=True)
    decision_message = fields.Text(string="Credit Check", readonly=True)
    reason = fields.Text(required=True, readonly=True)
    partner_status = fields.Selection(
        CREDIT_STATUSES,
        string="Customer Status Then",
        readonly=True,
        help="The customer's credit status when finance answered: a hold placed since ends "
        "the release.",
    )
    manual_hold = fields.Boolean(
        string="Held by Finance", readonly=True, help="The document was held by hand by finance."
    )
    user_id = fields.Many2one(
        "res.users", string="Decided By", required=True, readonly=True, default=lambda s: s.env.user
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    policy_id = fields.Many2one(
        "credit.policy",
        string="Policy in Force",
        readonly=True,
        ondelete="restrict",
        help="The credit policy version published when the answer was given.",
    )
    hold_date = fields.Datetime(
        string="Held On", readonly=True, help="When the document was first held."
    )

    _sql_constraints = (
        (
            "one_document",
            "CHECK (num_nonnulls(order_id, move_id) <= 1)",
            "A credit release answers one document.",
        ),
    )

    @api.model
    def _values_from_decision(self, decision):
        exposure = decision["exposure"]
        return {
            "partner_id": decision["partner"].id,
            "company_id": decision["company"].id,
            "amount": decision["amount"],
            "exposure": decision["projected"] - decision["amount"],
            "credit_limit": decision["limit"],
            "excess": decision["excess"],
            "overdue": exposure["overdue"],
            "overdue_days": exposure["overdue_days"],
            "rule_codes": ",".join(rule["code"] for rule in decision["rules"]),
            "partner_status": decision["partner"].credit_status or "not_assessed",
            "decision_message": decision["message"],
        }

    @api.model_create_multi
    def create(self, vals_list):
        Policy = self.env["credit.policy"]
        in_force = {}
        for vals in vals_list:
            company_id = vals.get("company_id")
            if "policy_id" not in vals and company_id:
                if company_id not in in_force:
                    in_force[company_id] = Policy._in_force(
                        self.env["res.company"].browse(company_id)
                    ).id
                vals["policy_id"] = in_force[company_id]
        releases = super().create(vals_list)
        for release in releases:
            self.env["credit.file"]._for_partner(release.partner_id, release.company_id)
        return releases
