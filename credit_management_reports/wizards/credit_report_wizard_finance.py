from datetime import datetime

from odoo import fields, models


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
    # Compliance exceptions: the checks of the internal audit (credit.compliance), on the
    # customers and period of the wizard
    # ------------------------------------------------------------------------------------------
    def _compliance_rows(self):
        self.ensure_one()
        customers = self._customers()
        attributes = self._customer_attributes(customers)
        start, end = self._period_bounds()
        Compliance = self.env["credit.compliance"]
        labels = Compliance._check_labels()
        users = self.env["res.users"]
        rows = []
        for found in Compliance._find(self.company_id, customers, start, end, self.date):
            when = found["when"]
            rows.append(
                attributes[found["partner_id"]]
                | {
                    "check": labels[found["check"]],
                    "record": found["record"],
                    "when": self._when(when)
                    if isinstance(when, datetime)
                    else fields.Date.to_string(when) or "",
                    "figure": found["amount"],
                    "detail": found["detail"],
                    "who": users.browse(found["user_id"]).name or "",
                }
            )
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
