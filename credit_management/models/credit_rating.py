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
    often it is reviewed and what it allows (normal credit, cash in advance, nothing).

    A grade is given by the lowest score of its band; the band runs up to the next grade's
    lowest score (the best grade up to 100). The grades of a company (its own and the shared
    ones) therefore never overlap nor leave a gap, and one of them starts at 0: deleting or
    archiving a grade hands its band to the grade below, and the grade starting at 0 is kept
    while other grades exist."""

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
    min_score = fields.Float(
        string="From Score", required=True, help="Lowest score of the band (included)."
    )
    max_score = fields.Float(
        string="Up To",
        compute="_compute_max_score",
        help="The next grade's lowest score (excluded), or 100 for the best grade.",
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
        string="Orders Allowed",
        required=True,
        default="normal",
        help="Cash in Advance Only: orders are held unless paid in full in advance. Blocked: "
        "every order is held.",
    )

    @api.depends("company_id")
    def _compute_currency_id(self):
        for rating in self:
            rating.currency_id = (rating.company_id or self.env.company).currency_id

    @api.model
    def _scale(self, company):
        """The active grades that apply in ``company`` (its own and the shared ones), best
        first; ``company`` empty: the shared grades alone."""
        return self.search(
            [("company_id", "in", [company.id, False] if company else [False])],
            order="min_score desc, id",
        )

    @api.depends("min_score", "company_id")
    @api.depends_context("company")
    def _compute_max_score(self):
        for rating in self:
            scale = self._scale(rating.company_id or self.env.company)
            higher = [r.min_score for r in scale if r.min_score > rating.min_score]
            rating.max_score = min(higher) if higher else 100.0

    def _check_scales(self, companies, removed=None):
        """Every scale touched keeps one grade per lowest score and a grade from 0 (without
        the grades ``removed``, before they are deleted)."""
        Company = self.env["res.company"]
        if any(not company for company in companies):
            # a shared grade is in every company's scale, and in the scale of shared grades
            companies = [*Company.sudo().search([]), Company]
        for company in set(companies):
            scale = self.sudo()._scale(company) - (removed or self.browse()).sudo()
            starts = {}
            for rating in scale:
                if rating.min_score in starts:
                    raise ValidationError(
                        self.env._(
                            "%(a)s and %(b)s both start at %(score)s: each grade starts at its "
                            "own score.",
                            a=starts[rating.min_score].name,
                            b=rating.name,
                            score=rating.min_score,
                        )
                    )
                starts[rating.min_score] = rating
            if scale and 0 not in starts:
                where = company.name or self.env._("shared grades")
                raise ValidationError(
                    self.env._(
                        "Scores from 0 to %(score)s would have no rating in %(where)s: keep a "
                        "grade that starts at 0.",
                        score=min(starts),
                        where=where,
                    )
                )

    @api.constrains("min_score", "company_id", "active")
    def _check_bands(self):
        for rating in self:
            if not 0 <= rating.min_score < 100:
                raise ValidationError(
                    self.env._(
                        "The lowest score of %(rating)s must be from 0 to below 100.",
                        rating=rating.name,
                    )
                )
        self._check_scales([rating.company_id for rating in self])

    def write(self, vals):
        companies = [rating.company_id for rating in self]
        res = super().write(vals)
        if "company_id" in vals:
            self._check_scales(companies)  # the scale the grade left
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_last_grade(self):
        self._check_scales([rating.company_id for rating in self], removed=self)

    @api.constrains("review_months", "revenue_share", "fixed_limit", "limit_cap")
    def _check_amounts(self):
        for rating in self:
            if rating.review_months < 1:
                raise ValidationError(
                    self.env._(
                        "The review interval of %(rating)s is one month or more.",
                        rating=rating.name,
                    )
                )
            if min(rating.revenue_share, rating.fixed_limit, rating.limit_cap) < 0:
                raise ValidationError(
                    self.env._("The limits of %(rating)s cannot be negative.", rating=rating.name)
                )

    @api.model
    def _for_score(self, score, company):
        """The rating whose band holds ``score`` in ``company``: the grade with the highest
        lowest score not above it (empty when there is no grade at all)."""
        return self._scale(company).filtered(lambda r: r.min_score <= score)[:1]

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
