from types import MappingProxyType

from odoo import api, models
from odoo.tools import SQL

from .credit_common import HOLD_STATUSES

# More records than this exported or downloaded by one user in one day is unusual (P5.1.3).
MASS_EXPORT_RECORDS = 200
# The checks, in the order reports and audits list them: code -> method.
COMPLIANCE_CHECKS = MappingProxyType(
    {
        "no_assessment": "_check_no_assessment",
        "review_overdue": "_check_overdue_reviews",
        "release_above_limit": "_check_releases_above_limit",
        "release_by_salesperson": "_check_releases_by_salesperson",
        "release_without_reason": "_check_releases_without_reason",
        "approval_by_submitter": "_check_approvals",
        "limit_without_assessment": "_check_limit_changes",
        "confirmed_while_blocked": "_check_blocked_confirmations",
        "mass_export": "_check_mass_exports",
    }
)


class CreditCompliance(models.AbstractModel):
    """The compliance checks of the policy's application (P5.1.3), one small method each, as
    the decision's rules are: the compliance exceptions report and the internal audit both
    run them. Each check gets a scope (company, customers, period as UTC datetimes
    ``[start, end)``, as-of date) and returns what it found, one dict per breach:
    ``check``, ``partner_id``, ``record`` (its name), ``res_model``/``res_id``, ``when``
    (datetime or date), ``amount``, ``detail``, ``user_id`` (who acted)."""

    _name = "credit.compliance"
    _description = "Credit Compliance Checks"

    @api.model
    def _check_labels(self):
        return {
            "no_assessment": self.env._("Credit without an assessment"),
            "review_overdue": self.env._("Review overdue"),
            "release_above_limit": self.env._("Released above the limit"),
            "release_by_salesperson": self.env._("Released by its salesperson"),
            "release_without_reason": self.env._("Released without a reason"),
            "approval_by_submitter": self.env._("Approved by its submitter or salesperson"),
            "limit_without_assessment": self.env._(
                "Limit changed without an assessment or meeting decision"
            ),
            "confirmed_while_blocked": self.env._("Confirmed while on hold or blocked"),
            "mass_export": self.env._("Unusual access: mass export"),
        }

    @api.model
    def _find(self, company, customers, start, end, as_of, checks=None):
        """Run ``checks`` (codes; default all) on the scope and return their findings in the
        order of :data:`COMPLIANCE_CHECKS`. ``customers`` are commercial partners; ``None``
        means every customer of the company."""
        found = []
        for code, method in COMPLIANCE_CHECKS.items():
            if checks is None or code in checks:
                for row in getattr(self, method)(company, customers, start, end, as_of):
                    found.append({"check": code} | row)
        return found

    @api.model
    def _row(self, partner, record=None, when=False, amount=0.0, detail="", user=None):
        return {
            "partner_id": partner.id,
            "record": record.display_name if record else "",
            "res_model": record._name if record else False,
            "res_id": record.id if record else False,
            "when": when,
            "amount": amount,
            "detail": detail,
            "user_id": user.id if user else False,
        }

    @api.model
    def _customer_domain(self, customers, fname="partner_id"):
        return [] if customers is None else [(fname, "in", customers.ids)]

    @api.model
    def _partner_domain(self, customers):
        """The customers themselves: the given ones, or every commercial partner (contacts
        share their company's credit)."""
        if customers is None:
            return [("parent_id", "=", False)]
        return [("id", "in", customers.ids)]

    # -- customers ---------------------------------------------------------------------------
    @api.model
    def _check_no_assessment(self, company, customers, start, end, as_of):
        """Customers with a credit limit but no approved assessment in force."""
        partners = (
            self.env["res.partner"]
            .with_company(company)
            .search(
                [
                    ("credit_limit", ">", 0),
                    ("credit_assessment_id", "=", False),
                    *self._partner_domain(customers),
                ]
            )
        )
        return [
            self._row(
                partner,
                amount=partner.credit_limit,
                detail=self.env._("A credit limit and no approved assessment."),
            )
            for partner in partners
        ]

    @api.model
    def _check_overdue_reviews(self, company, customers, start, end, as_of):
        """Customers whose credit review date has passed on the as-of date."""
        partners = (
            self.env["res.partner"]
            .with_company(company)
            .search(
                [
                    ("credit_next_review_date", "!=", False),
                    ("credit_next_review_date", "<", as_of),
                    *self._partner_domain(customers),
                ]
            )
        )
        return [
            self._row(
                partner,
                when=partner.credit_next_review_date,
                amount=partner.credit_limit,
                detail=self.env._("Review due on %(date)s.", date=partner.credit_next_review_date),
            )
            for partner in partners
        ]

    # -- releases ----------------------------------------------------------------------------
    @api.model
    def _releases(self, company, customers, start, end):
        return self.env["credit.release"].search(
            [
                ("company_id", "=", company.id),
                ("answer", "=", "release"),
                ("date", ">=", start),
                ("date", "<", end),
                *self._customer_domain(customers),
            ],
            order="date, id",
        )

    @api.model
    def _check_releases_above_limit(self, company, customers, start, end, as_of):
        Decision = self.env["credit.decision"]
        return [
            self._row(
                release.partner_id,
                release,
                release.date,
                release.excess,
                self.env._(
                    "%(excess)s over a limit of %(limit)s: %(reason)s",
                    excess=Decision._money(release.excess, company),
                    limit=Decision._money(release.credit_limit, company),
                    reason=release.reason,
                ),
                release.user_id,
            )
            for release in self._releases(company, customers, start, end)
            if company.currency_id.compare_amounts(release.excess, 0) > 0
        ]

    @api.model
    def _check_releases_by_salesperson(self, company, customers, start, end, as_of):
        return [
            self._row(
                release.partner_id,
                release,
                release.date,
                release.amount,
                release.reason,
                release.user_id,
            )
            for release in self._releases(company, customers, start, end)
            if release.salesperson_id and release.user_id == release.salesperson_id
        ]

    @api.model
    def _check_releases_without_reason(self, company, customers, start, end, as_of):
        """A reason is required by the release wizard; one made blank or of a few letters
        (a dot, "ok") is no reason either."""
        return [
            self._row(
                release.partner_id,
                release,
                release.date,
                release.amount,
                self.env._("Reason given: %(reason)s", reason=release.reason or "-"),
                release.user_id,
            )
            for release in self._releases(company, customers, start, end)
            if len((release.reason or "").strip()) < 5
        ]

    # -- decisions on the credit -------------------------------------------------------------
    @api.model
    def _check_approvals(self, company, customers, start, end, as_of):
        """Assessments of the period approved by whoever submitted them or sells to the
        customer."""
        assessments = self.env["credit.assessment"].search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "approved"),
                ("decision_date", ">=", start),
                ("decision_date", "<", end),
                *self._customer_domain(customers, "partner_id.commercial_partner_id"),
            ],
            order="decision_date, id",
        )
        return [
            self._row(
                assessment.partner_id.commercial_partner_id,
                assessment,
                assessment.decision_date,
                assessment.approved_limit,
                self.env._(
                    "Submitted by %(submitter)s, salesperson %(salesperson)s.",
                    submitter=assessment.submitted_by_id.name or "-",
                    salesperson=assessment.partner_id.commercial_partner_id.user_id.name or "-",
                ),
                assessment.approved_by_id,
            )
            for assessment in assessments
            if assessment.approved_by_id
            and assessment.approved_by_id
            in (assessment.submitted_by_id | assessment.partner_id.commercial_partner_id.user_id)
        ]

    @api.model
    def _check_limit_changes(self, company, customers, start, end, as_of):
        """Limit changes of the period that neither an assessment nor a credit meeting's
        decision made."""
        changes = self.env["credit.history"].search(
            [
                ("company_id", "=", company.id),
                ("kind", "=", "limit"),
                ("assessment_id", "=", False),
                ("meeting_decision_id", "=", False),
                ("date", ">=", start),
                ("date", "<", end),
                *self._customer_domain(customers),
            ],
            order="date, id",
        )
        return [
            self._row(
                change.partner_id,
                when=change.date,
                amount=change.new_amount,
                detail=self.env._(
                    "%(old)s to %(new)s: %(reason)s",
                    old=change.old_value,
                    new=change.new_value,
                    reason=change.reason or "-",
                ),
                user=change.user_id,
            )
            for change in changes
        ]

    @api.model
    def _check_blocked_confirmations(self, company, customers, start, end, as_of):
        """Orders confirmed in the period while their customer was on hold or blocked (the
        status the credit history gives at the moment of confirmation), neither released by
        finance nor paid in full beforehand: the order control should make this list empty."""
        self.env["sale.order"].flush_model(["state", "date_order", "partner_id", "company_id"])
        self.env["credit.history"].flush_model(
            ["partner_id", "company_id", "kind", "date", "new_status"]
        )
        self.env["credit.release"].flush_model(["order_id", "answer"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        customer_filter = (
            SQL("TRUE")
            if customers is None
            else SQL("p.commercial_partner_id = ANY(%s)", customers.ids)
        )
        order_ids = [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """
                    SELECT so.id
                      FROM sale_order so
                      JOIN res_partner p ON p.id = so.partner_id
                     WHERE so.company_id = %(company)s
                       AND so.state = 'sale'
                       AND so.date_order >= %(start)s AND so.date_order < %(end)s
                       AND %(customers)s
                       AND (SELECT h.new_status
                              FROM credit_history h
                             WHERE h.partner_id = p.commercial_partner_id
                               AND h.company_id = so.company_id
                               AND h.kind = 'status'
                               AND h.date <= so.date_order
                          ORDER BY h.date DESC, h.id DESC
                             LIMIT 1) = ANY(%(statuses)s)
                       AND NOT EXISTS (SELECT 1 FROM credit_release r
                                        WHERE r.order_id = so.id AND r.answer = 'release')
                  ORDER BY so.date_order, so.id
                    """,
                    company=company.id,
                    start=start,
                    end=end,
                    customers=customer_filter,
                    statuses=list(HOLD_STATUSES),
                )
            )
        ]
        # paid in full before confirmation: no credit was extended (the order control's own
        # exemption), not a breach
        orders = self.env["sale.order"].browse(order_ids).filtered(lambda o: not o._credit_exempt())
        return [
            self._row(
                order.partner_id.commercial_partner_id,
                order,
                order.date_order,
                order.amount_total,
                self.env._(
                    "The customer was on hold or blocked when the order was confirmed, and no "
                    "release covers it."
                ),
                order.user_id,
            )
            for order in orders
        ]

    # -- access to credit files --------------------------------------------------------------
    @api.model
    def _check_mass_exports(self, company, customers, start, end, as_of):
        """Users who exported or downloaded more credit records in one day than
        :data:`MASS_EXPORT_RECORDS` (the access log counts them; customers do not apply)."""
        if customers is not None:
            return []
        groups = self.env["credit.access.log"]._read_group(
            [
                ("company_id", "in", (company.id, False)),
                ("channel", "in", ("export", "download")),
                ("date", ">=", start),
                ("date", "<", end),
            ],
            ["user_id", "date:day"],
            ["record_count:sum"],
        )
        partner = company.partner_id
        return [
            self._row(
                partner,
                when=day,
                detail=self.env._(
                    "%(user)s exported or downloaded %(count)s credit records on %(day)s.",
                    user=user.name,
                    count=count,
                    day=day,
                ),
                user=user,
            )
            for user, day, count in groups
            if count > MASS_EXPORT_RECORDS
        ]
