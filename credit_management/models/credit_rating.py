from itertools import pairwise

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

RATING_POLICIES = [
    ("normal", "Normal Credit"),
    ("prepaid", "Cash in Advance Only"),
    ("blocked", "Blocked"),
]
LIMIT_RULES = [
    ("fixed", "Fixed Amount"),
    ("revenue", "Share of Annual Revenue"),
]


class CreditRating(models.Model):
    """A credit grade: the band of scores it covers, the limit and terms it proposes, how
    often it is reviewed and what it allows (normal credit, cash in advance, nothing)."""

    _name = "credit.rating"
    _description = "Credit Rating"
    _order = "min_score desc, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Empty: the rating is available to every company."
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        help="Currency of the amounts: the company's, or the current company's.",
    )
    min_score = fields.Float(required=True, help="Lowest score of the band (included).")
    max_score = fields.Float(
        required=True, help="Highest score of the band (excluded, except 100 which is included)."
    )
    limit_rule = fields.Selection(LIMIT_RULES, required=True, default="fixed")
    fixed_limit = fields.Monetary(string="Proposed Limit")
    revenue_share = fields.Float(
        string="Share of Revenue (%)", help="Proposed limit as a share of the declared revenue."
    )
    limit_cap = fields.Monetary(help="Highest proposed limit (0: no cap).")
    payment_term_id = fields.Many2one("account.payment.term", string="Default Payment Terms")
    review_months = fields.Integer(
        string="Review Every (months)",
        default=3,
        help="The next review falls this many months after approval, or sooner when the "
        "company reviews more often.",
    )
    policy = fields.Selection(
        RATING_POLICIES,
        required=True,
        default="normal",
        help="Cash in Advance Only: orders are held unless paid in full in advance. Blocked: "
        "every order is held.",
    )

    @api.depends("company_id")
    def _compute_currency_id(self):
        for rating in self:
            rating.currency_id = (rating.company_id or self.env.company).currency_id

    @api.constrains("min_score", "max_score", "company_id", "active")
    def _check_bands(self):
        """Bands lie within 0-100, do not overlap and leave no gap between neighbours."""
        for rating in self:
            if not 0 <= rating.min_score < rating.max_score <= 100:
                raise ValidationError(
                    self.env._(
                        "The band of %(rating)s must lie within 0 and 100, its lowest score "
                        "below its highest.",
                        rating=rating.name,
                    )
                )
        for company in {rating.company_id for rating in self}:
            bands = self.search([("company_id", "in", [company.id, False])], order="min_score")
            for lower, upper in pairwise(bands):
                if upper.min_score < lower.max_score:
                    raise ValidationError(
                        self.env._(
                            "The bands of %(a)s and %(b)s overlap.", a=lower.name, b=upper.name
                        )
                    )
                if upper.min_score > lower.max_score:
                    raise ValidationError(
                        self.env._(
                            "Scores from %(low)s to %(high)s have no rating (between %(a)s and "
                            "%(b)s).",
                            low=lower.max_score,
                            high=upper.min_score,
                            a=lower.name,
                            b=upper.name,
                        )
                    )

    @api.constrains("review_months", "revenue_share", "fixed_limit", "limit_cap")
    def _check_amounts(self):
        for rating in self:
            if rating.review_months < 1:
                raise ValidationError(
                    self.env._(
                        "%(rating)s must be reviewed at least every month or less often.",
                        rating=rating.name,
                    )
                )
            if min(rating.revenue_share, rating.fixed_limit, rating.limit_cap) < 0:
                raise ValidationError(
                    self.env._("The limits of %(rating)s cannot be negative.", rating=rating.name)
                )

    @api.model
    def _for_score(self, score, company):
        """The rating whose band holds ``score`` in ``company`` (empty when none does)."""
        ratings = self.search(
            [("company_id", "in", [company.id, False]), ("min_score", "<=", score)],
            order="min_score desc",
        )
        for rating in ratings:
            if score < rating.max_score or (rating.max_score == 100 and score <= 100):
                return rating
        return self.browse()

    def _proposed_limit(self, annual_revenue):
        self.ensure_one()
        if self.policy != "normal":
            return 0.0
        limit = self.fixed_limit
        if self.limit_rule == "revenue":
            limit = annual_revenue * self.revenue_share / 100.0
        if self.limit_cap:
            limit = min(limit, self.limit_cap)
        return limit

    def _next_review_date(self, date, company):
        """Review after the shorter of the rating's and the company's interval."""
        self.ensure_one()
        months = min(
            self.review_months or company.credit_review_months, company.credit_review_months
        )
        return date + relativedelta(months=months)
