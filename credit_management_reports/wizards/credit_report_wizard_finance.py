from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.credit_management.models.credit_common import HOLD_STATUSES


class CreditReportWizard(models.TransientModel):
    """The reports of a period on finance's and audit's own records: the assessment register,
    the holds and releases, the compliance exceptions (P5.1.1, P5.1.3). Credit finance and
    internal audit run them; the records are read as the user reads them."""

    _inherit = "credit.report.wizard"

    def _selection_labels(self, model, *fnames):
        Model = self.env[model]
        return {
            fname: dict(Model._fields[fname]._description_selection(self.env)) for fname in fnames
        }

    def _when(self, moment):
        """A moment as the user reads it: in the user's time zone, as the period is cut."""
        if not moment:
            return ""
        return fields.Datetime.to_string(
            fields.Datetime.context_timestamp(self, moment).replace(tzinfo=None)
        )

    def _period_label(self):
        return self.env._(
            "from %(start)s to %(end)s",
            start=fields.Date.to_string(self.date_from),
            end=fields.Date.to_string(self.date),
        )

    # ------------------------------------------------------------------------------------------
    # Assessment register
    # ------------------------------------------------------------------------------------------
    def _assessments_rows(self):
        """``(criteria, rows)``: each assessment of the customers created or decided in the
        period, with its dates, people, score per criterion, total, ratings, limits and
        terms; ``criteria`` are the scorecard criteria scored in them (no scores for a user
        who may not read them)."""
        self.ensure_one()
        customers = self._customers()
        attributes = self._customer_attributes(customers)
        start, end = self._period_bounds()
        assessments = self.env["credit.assessment"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("partner_id.commercial_partner_id", "in", customers.ids),
                "|",
                "&",
                ("create_date", ">=", start),
                ("create_date", "<", end),
                "&",
                ("decision_date", ">=", start),
                ("decision_date", "<", end),
            ],
            order="create_date, id",
        )
        # a bulk export of assessments is an opening of each, as Odoo's export is (P3.2.3)
        self.env["credit.access.log"]._log(assessments, "export")
        Line = self.env["credit.assessment.line"]
        lines = assessments.line_ids if Line.has_access("read") else Line
        criteria = lines.criterion_id.sorted(lambda c: (c.scorecard_id.id, c.sequence, c.id))
        scores = {(line.assessment_id.id, line.criterion_id.id): line.score for line in lines}
        labels = self._selection_labels("credit.assessment", "type", "state")
        rows = []
        for assessment in assessments:
            row = attributes[assessment.partner_id.commercial_partner_id.id] | {
                "assessment": assessment.name,
                "type": labels["type"][assessment.type],
                "state": labels["state"][assessment.state],
                "created": self._when(assessment.create_date),
                "submitted": self._when(assessment.submit_date),
                "submitted_by": assessment.submitted_by_id.name or "",
                "decided": self._when(assessment.decision_date),
                "decided_by": (assessment.approved_by_id or assessment.rejected_by_id).name or "",
                "total_score": assessment.total_score if lines else 0.0,
                "proposed_rating": assessment.proposed_rating_id.name or "",
                "approved_rating": assessment.approved_rating_id.name or "",
                "requested_limit": assessment.requested_limit,
                "proposed_limit": assessment.proposed_limit,
                "approved_limit": assessment.approved_limit,
                "requested_terms": assessment.requested_payment_term_id.name or "",
                "proposed_terms": assessment.proposed_payment_term_id.name or "",
                "approved_terms": assessment.approved_payment_term_id.name or "",
            }
            for criterion in criteria:
                row[f"criterion_{criterion.id}"] = scores.get((assessment.id, criterion.id), 0.0)
            rows.append(row)
        rows.sort(key=lambda row: (row["salesperson"], row["customer"], row["created"]))
        return criteria, rows

    def _assessments_columns(self, criteria):
        return [
            *self._customer_columns(),
            ("assessment", self.env._("Assessment"), "text"),
            ("type", self.env._("Type"), "text"),
            ("state", self.env._("State"), "text"),
            ("created", self.env._("Created On"), "text"),
            ("submitted", self.env._("Submitted On"), "text"),
            ("submitted_by", self.env._("Submitted By"), "text"),
            ("decided", self.env._("Decided On"), "text"),
            ("decided_by", self.env._("Approved or Rejected By"), "text"),
            *((f"criterion_{c.id}", c.name, "number") for c in criteria),
            *([("total_score", self.env._("Total Score"), "number")] if criteria else []),
            ("proposed_rating", self.env._("Proposed Rating"), "text"),
            ("approved_rating", self.env._("Approved Rating"), "text"),
            ("requested_limit", self.env._("Requested Limit"), "amount"),
            ("proposed_limit", self.env._("Proposed Limit"), "amount"),
            ("approved_limit", self.env._("Approved Limit"), "amount"),
            ("requested_terms", self.env._("Requested Terms"), "text"),
            ("proposed_terms", self.env._("Proposed Terms"), "text"),
            ("approved_terms", self.env._("Approved Terms"), "text"),
        ]

    def action_export_assessments(self):
        self.ensure_one()
        self._check_finance()
        self._check_period()
        return self._download("assessments")

    def _assessments_file(self):
        self._check_finance()
        criteria, rows = self._assessments_rows()
        title = self.env._("Assessment Register")
        content = self._xlsx(
            title, self._assessments_columns(criteria), rows, date_label=self._period_label()
        )
        return content, self._file_name(title, period=True)

    # ------------------------------------------------------------------------------------------
    # Holds and releases
    # ------------------------------------------------------------------------------------------
    def _holds_rows(self):
        """Finance's answers of the period (each release or rejection with the figures it was
        given on, who, why, and the days from the hold to the answer), and the documents
        held in the period still waiting (today's figures, days waiting so far)."""
        self.ensure_one()
        customers = self._customers()
        attributes = self._customer_attributes(customers)
        start, end = self._period_bounds()
        company = self.company_id
        answers = dict(
            self.env["credit.release"]._fields["answer"]._description_selection(self.env)
        )
        Decision = self.env["credit.decision"]
        rows = []
        releases = self.env["credit.release"].search(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", customers.ids),
                ("date", ">=", start),
                ("date", "<", end),
            ],
            order="date, id",
        )
        for release in releases:
            rows.append(
                attributes[release.partner_id.id]
                | {
                    "document": release.document_name,
                    "answer": answers[release.answer],
                    "amount": release.amount,
                    "exposure": release.exposure,
                    "limit": release.credit_limit,
                    "excess": release.excess,
                    "held": self._when(release.hold_date),
                    "answered": self._when(release.date),
                    "days": self._days(release.hold_date, release.date),
                    "by": release.user_id.name,
                    "reason": release.reason,
                    "rules": Decision._rule_names(release.rule_codes or "")
                    if release.rule_codes
                    else (release.manual_hold and self.env._("Held by finance") or ""),
                }
            )
        now = fields.Datetime.now()
        for model in ("sale.order", "account.move"):
            held = self.env[model].search(
                [
                    ("company_id", "=", company.id),
                    ("credit_hold_state", "=", "held"),
                    ("partner_id.commercial_partner_id", "in", customers.ids),
                    ("credit_hold_date", "<", end),
                ],
                order="credit_hold_date, id",
            )
            for document in held:
                decision = document.sudo()._credit_decide()
                rows.append(
                    attributes[document.partner_id.commercial_partner_id.id]
                    | {
                        "document": document.display_name,
                        "answer": self.env._("Waiting"),
                        "amount": decision["amount"],
                        "exposure": decision["projected"] - decision["amount"],
                        "limit": decision["limit"],
                        "excess": decision["excess"],
                        "held": self._when(document.credit_hold_date),
                        "answered": "",
                        "days": self._days(document.credit_hold_date, now),
                        "by": "",
                        "reason": "",
                        "rules": document.credit_hold_rule_names
                        or (document.credit_hold_manual and self.env._("Held by finance") or ""),
                    }
                )
        rows.sort(key=lambda row: (row["salesperson"], row["customer"], row["held"]))
        return rows

    @staticmethod
    def _days(start, end):
        return round((end - start).total_seconds() / 86400, 1) if start and end else 0.0

    def _holds_columns(self):
        return [
            *self._customer_columns(),
            ("document", self.env._("Document"), "text"),
            ("answer", self.env._("Answer"), "text"),
            ("amount", self.env._("Amount"), "money"),
            ("exposure", self.env._("Exposure Before"), "amount"),
            ("limit", self.env._("Credit Limit"), "amount"),
            ("excess", self.env._("Excess over Limit"), "amount"),
            ("held", self.env._("Held On"), "text"),
            ("answered", self.env._("Answered On"), "text"),
            ("days", self.env._("Days to Answer"), "number"),
            ("by", self.env._("Answered By"), "text"),
            ("reason", self.env._("Reason"), "text"),
            ("rules", self.env._("Rules Fired"), "text"),
        ]

    def action_export_holds(self):
        self.ensure_one()
        self._check_finance()
        self._check_period()
        return self._download("holds")

    def _holds_file(self):
        self._check_finance()
        title = self.env._("Holds and Releases")
        content = self._xlsx(
            title, self._holds_columns(), self._holds_rows(), date_label=self._period_label()
        )
        return content, self._file_name(title, period=True)

    # ------------------------------------------------------------------------------------------
    # Compliance exceptions: each check a small method listing what it found
    # ------------------------------------------------------------------------------------------
    def _compliance_checks(self):
        """The checks of the compliance exceptions report, in the order it prints them."""
        return (
            self._compliance_no_assessment,
            self._compliance_overdue_reviews,
            self._compliance_releases,
            self._compliance_approvals,
            self._compliance_limit_changes,
            self._compliance_blocked_confirmations,
        )

    def _compliance_row(self, partner, check, record="", date="", amount=0.0, detail="", who=""):
        return {
            "partner_id": partner.id,
            "check": check,
            "record": record,
            "when": date,
            "figure": amount,
            "detail": detail,
            "who": who,
        }

    def _compliance_no_assessment(self, customers):
        """Customers with a credit limit but no approved assessment in force."""
        partners = customers.search(
            [
                ("id", "in", customers.ids),
                ("credit_limit", ">", 0),
                ("credit_assessment_id", "=", False),
            ]
        )
        return [
            self._compliance_row(
                partner,
                self.env._("Credit without an assessment"),
                amount=partner.credit_limit,
                detail=self.env._("A credit limit and no approved assessment."),
            )
            for partner in partners
        ]

    def _compliance_overdue_reviews(self, customers):
        """Customers whose credit review date has passed on the As of date."""
        partners = customers.search(
            [
                ("id", "in", customers.ids),
                ("credit_next_review_date", "!=", False),
                ("credit_next_review_date", "<", self.date),
            ]
        )
        return [
            self._compliance_row(
                partner,
                self.env._("Review overdue"),
                date=fields.Date.to_string(partner.credit_next_review_date),
                amount=partner.credit_limit,
                detail=self.env._(
                    "Review due on %(date)s.",
                    date=fields.Date.to_string(partner.credit_next_review_date),
                ),
            )
            for partner in partners
        ]

    def _compliance_releases(self, customers):
        """Releases of the period above the limit, or by the document's own salesperson."""
        start, end = self._period_bounds()
        releases = self.env["credit.release"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("partner_id", "in", customers.ids),
                ("answer", "=", "release"),
                ("date", ">=", start),
                ("date", "<", end),
            ],
            order="date, id",
        )
        Decision = self.env["credit.decision"]
        rows = []
        for release in releases:
            if self.company_id.currency_id.compare_amounts(release.excess, 0) > 0:
                rows.append(
                    self._compliance_row(
                        release.partner_id,
                        self.env._("Released above the limit"),
                        release.document_name,
                        self._when(release.date),
                        release.excess,
                        self.env._(
                            "%(excess)s over a limit of %(limit)s: %(reason)s",
                            excess=Decision._money(release.excess, self.company_id),
                            limit=Decision._money(release.credit_limit, self.company_id),
                            reason=release.reason,
                        ),
                        release.user_id.name,
                    )
                )
            if release.salesperson_id and release.user_id == release.salesperson_id:
                rows.append(
                    self._compliance_row(
                        release.partner_id,
                        self.env._("Released by its salesperson"),
                        release.document_name,
                        self._when(release.date),
                        release.amount,
                        release.reason,
                        release.user_id.name,
                    )
                )
        return rows

    def _compliance_approvals(self, customers):
        """Assessments of the period approved by whoever submitted them or sells to the
        customer."""
        start, end = self._period_bounds()
        assessments = self.env["credit.assessment"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("partner_id.commercial_partner_id", "in", customers.ids),
                ("state", "=", "approved"),
                ("decision_date", ">=", start),
                ("decision_date", "<", end),
            ],
            order="decision_date, id",
        )
        return [
            self._compliance_row(
                assessment.partner_id.commercial_partner_id,
                self.env._("Approved by its submitter or salesperson"),
                assessment.name,
                self._when(assessment.decision_date),
                assessment.approved_limit,
                self.env._(
                    "Submitted by %(submitter)s, salesperson %(salesperson)s.",
                    submitter=assessment.submitted_by_id.name or "-",
                    salesperson=assessment.partner_id.commercial_partner_id.user_id.name or "-",
                ),
                assessment.approved_by_id.name,
            )
            for assessment in assessments
            if assessment.approved_by_id
            and assessment.approved_by_id
            in (assessment.submitted_by_id | assessment.partner_id.commercial_partner_id.user_id)
        ]

    def _compliance_limit_changes(self, customers):
        """Limit changes of the period that no assessment made."""
        start, end = self._period_bounds()
        changes = self.env["credit.history"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("partner_id", "in", customers.ids),
                ("kind", "=", "limit"),
                ("assessment_id", "=", False),
                ("date", ">=", start),
                ("date", "<", end),
            ],
            order="date, id",
        )
        return [
            self._compliance_row(
                change.partner_id,
                self.env._("Limit changed without an assessment"),
                date=self._when(change.date),
                amount=change.new_amount,
                detail=self.env._(
                    "%(old)s to %(new)s: %(reason)s",
                    old=change.old_value,
                    new=change.new_value,
                    reason=change.reason or "-",
                ),
                who=change.user_id.name,
            )
            for change in changes
        ]

    def _compliance_blocked_confirmations(self, customers):
        """Orders confirmed in the period while their customer was on hold or blocked (the
        status the credit history gives at the moment of confirmation), neither released by
        finance nor paid in full beforehand: the order control should make this list empty."""
        start, end = self._period_bounds()
        self.env["sale.order"].flush_model(["state", "date_order", "partner_id", "company_id"])
        self.env["credit.history"].flush_model(
            ["partner_id", "company_id", "kind", "date", "new_status"]
        )
        self.env["credit.release"].flush_model(["order_id", "answer"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
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
                       AND p.commercial_partner_id = ANY(%(ids)s)
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
                    company=self.company_id.id,
                    start=start,
                    end=end,
                    ids=customers.ids,
                    statuses=list(HOLD_STATUSES),
                )
            )
        ]
        # paid in full before confirmation: no credit was extended (the order control's own
        # exemption), not a breach
        orders = self.env["sale.order"].browse(order_ids).filtered(lambda o: not o._credit_exempt())
        return [
            self._compliance_row(
                order.partner_id.commercial_partner_id,
                self.env._("Confirmed while on hold or blocked"),
                order.name,
                self._when(order.date_order),
                order.amount_total,
                self.env._(
                    "The customer was on hold or blocked when the order was confirmed, and no "
                    "release covers it."
                ),
                order.user_id.name or "",
            )
            for order in orders
        ]

    def _compliance_rows(self):
        self.ensure_one()
        customers = self._customers()
        attributes = self._customer_attributes(customers)
        rows = []
        for check in self._compliance_checks():
            for found in check(customers):
                rows.append(attributes[found.pop("partner_id")] | found)
        rows.sort(key=lambda row: (row["salesperson"], row["customer"], row["when"]))
        return rows

    def _compliance_columns(self):
        return [
            *self._customer_columns(),
            ("check", self.env._("Exception"), "text"),
            ("record", self.env._("Record"), "text"),
            ("when", self.env._("Date"), "text"),
            ("figure", self.env._("Amount"), "amount"),
            ("detail", self.env._("Detail"), "text"),
            ("who", self.env._("By"), "text"),
        ]

    def action_export_compliance(self):
        self.ensure_one()
        self._check_finance()
        self._check_period()
        return self._download("compliance")

    def _compliance_file(self):
        self._check_finance()
        title = self.env._("Compliance Exceptions")
        content = self._xlsx(
            title,
            self._compliance_columns(),
            self._compliance_rows(),
            date_label=self._period_label(),
        )
        return content, self._file_name(title, period=True)
