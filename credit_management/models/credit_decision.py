from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, format_amount

from .credit_common import HOLD_STATUSES

DECISION_LEVELS = [("ok", "Within Credit"), ("warn", "Credit Warning"), ("block", "Credit Block")]
LEVEL_RANK = {"ok": 0, "warn": 1, "block": 2}


class CreditDecision(models.AbstractModel):
    """The one place where a credit decision is taken.

    For a customer, an amount (what the document asking will add to the customer's exposure,
    in company currency) and a company, :meth:`_decide` runs every rule listed by
    :meth:`_credit_rules` and returns which rules fire, the figures behind each and the overall
    level: ``ok``, ``warn`` (never stops anything, shown to the user) or ``block`` (the
    document is held for finance). Sale orders, invoices, the quotation banner, the CRM
    summary and the release wizard all call it.

    A rule is a method ``_rule_<code>(facts)`` returning ``None`` or
    ``self._fired(code, level, title, detail)``; adding a rule is one method and one entry in
    :meth:`_credit_rules`.
    """

    _name = "credit.decision"
    _description = "Customer Credit Decision"

    @api.model
    def _credit_rules(self):
        """Rule codes, in the order their explanations are shown."""
        return [
            "status",
            "rating_policy",
            "new_customer",
            "review_overdue",
            "overdue",
            "no_limit",
            "over_limit",
            "utilization",
        ]

    @api.model
    def _rule_labels(self):
        """Readable name of each rule code, for lists and reports of held documents."""
        return {
            "status": self.env._("Customer's credit status"),
            "rating_policy": self.env._("Rating allows no credit"),
            "new_customer": self.env._("No approved credit assessment"),
            "review_overdue": self.env._("Credit review overdue"),
            "overdue": self.env._("Overdue receivables"),
            "no_limit": self.env._("No credit limit"),
            "over_limit": self.env._("Over credit limit"),
            "utilization": self.env._("High credit utilisation"),
            "manual": self.env._("Held by finance"),
        }

    @api.model
    def _rule_names(self, codes):
        """``"over_limit,utilization"`` -> ``"Over credit limit, High credit utilisation"``."""
        labels = self._rule_labels()
        return ", ".join(labels.get(code, code) for code in (codes or "").split(",") if code)

    @api.model
    def _projection(self, exposure, amount, counted=0.0):
        """Exposure with the document and how far it goes beyond the limit: the one formula
        for the decision, the hold queue and the releases. A customer without a limit has
        no credit, so all of its projected exposure is excess."""
        projected = exposure["total"] - counted + amount
        return projected, max(projected - exposure["limit"], 0.0)

    @api.model
    def _decide(self, partner, amount=0.0, company=None, counted=0.0, overrides=None):
        """Decide on ``amount`` of new credit for ``partner`` in ``company``.

        :param amount: what the document adds to the exposure once confirmed or posted, in
            company currency.
        :param counted: the part of ``amount`` that the exposure already holds (a draft
            invoice that the company counts as a draft), so that it is not counted twice.
        :param overrides: what-if values (``limit``, ``status``, ``rating``) decided on in
            place of the customer's own: a simulation, nothing is written.
        :return: a dict with ``level``, ``rules`` (the fired rules, each a dict with ``code``,
            ``level``, ``title``, ``detail``), ``exposure`` (the figures of credit.exposure),
            ``projected`` (exposure after the document), ``limit``, ``excess`` (projected
            exposure above the limit), ``amount`` and ``message``.
        """
        company = (company or self.env.company).sudo()
        partner = partner.commercial_partner_id.with_company(company).sudo()
        # one date for every figure of the decision: today in the user's time zone
        date = fields.Date.context_today(self)
        result = {
            "partner": partner,
            "company": company,
            "date": date,
            "amount": amount,
            "level": "ok",
            "rules": [],
            "exposure": self.env["credit.exposure"]._empty_exposure(),
            "projected": 0.0,
            "limit": 0.0,
            "excess": 0.0,
            "message": "",
        }
        if not company.credit_control_enabled or not partner:
            return result
        overrides = overrides or {}
        result["status"] = overrides.get("status") or partner.credit_status or "not_assessed"
        result["rating"] = overrides.get("rating", partner.credit_rating_id)
        exposure = self.env["credit.exposure"]._get_exposure(partner, company, date)[partner.id]
        if "limit" in overrides:
            exposure = self._with_limit(exposure, overrides["limit"], company)
        projected, excess = self._projection(exposure, amount, counted)
        result.update(
            exposure=exposure, projected=projected, limit=exposure["limit"], excess=excess
        )
        return self._apply_rules(result)

    @api.model
    def _apply_rules(self, result):
        """Fire the rules on the facts of ``result`` and explain them, in the language of the
        environment."""
        result["rules"] = []
        result.setdefault("relang", "_apply_rules")
        for code in self._credit_rules():
            fired = getattr(self, f"_rule_{code}")(result)
            if fired:
                result["rules"].append(fired)
        result["level"] = "ok"
        if result["rules"]:
            result["level"] = max((r["level"] for r in result["rules"]), key=LEVEL_RANK.get)
        result["message"] = self._decision_message(result)
        return result

    @api.model
    def _message_in(self, result, lang):
        """The explanation of ``result`` in ``lang`` (a reader other than the user who
        decided): the same rules on the same figures, worded for that reader, by the method
        that fired them (``relang``: the standard rules, or a document's own)."""
        if not result["rules"] or not lang or lang == self.env.lang:
            return result["message"]
        decision = self.with_context(lang=lang)
        return getattr(decision, result.get("relang", "_apply_rules"))(dict(result))["message"]

    @api.model
    def _with_limit(self, exposure, base_limit, company):
        """The figures of ``exposure`` had the customer's own limit been ``base_limit``: the
        limit in force as :meth:`credit.exposure._effective_limit_sql` computes it."""
        exposure = dict(exposure, base_limit=base_limit)
        limit = base_limit + exposure["temporary_limit"]
        if company.credit_insurance_cap:
            limit = min(limit, exposure["insured"] + company.credit_insurance_own_risk)
        total = exposure["total"]
        exposure.update(
            limit=limit,
            available=limit - total if limit > 0 else 0.0,
            utilization=100.0 * total / limit if limit > 0 else 0.0,
            is_over_limit=limit > 0 and total > limit,
        )
        return exposure

    @api.model
    def _limit_note(self, facts):
        """What makes the limit in force differ from the customer's own limit: a temporary
        increase, the cap of the credit insurance."""
        exposure, company = facts["exposure"], facts["company"]
        notes = []
        if exposure["temporary_limit"]:
            notes.append(
                self.env._(
                    "The limit in force includes a temporary increase of %(amount)s.",
                    amount=self._money(exposure["temporary_limit"], company),
                )
            )
        uncapped = exposure["base_limit"] + exposure["temporary_limit"]
        if (
            company.credit_insurance_cap
            and company.currency_id.compare_amounts(exposure["limit"], uncapped) < 0
        ):
            notes.append(
                self.env._(
                    "It is capped by credit insurance: insured %(insured)s plus own risk "
                    "%(own)s (the customer's limit is %(limit)s).",
                    insured=self._money(exposure["insured"], company),
                    own=self._money(company.credit_insurance_own_risk, company),
                    limit=self._money(uncapped, company),
                )
            )
        return " ".join(notes)

    @api.model
    def _fired(self, code, level, title, detail):
        return {"code": code, "level": level, "title": title, "detail": detail}

    # ------------------------------------------------------------------------------------------
    # Rules: each gets the decision being built (partner, company, amount, exposure, ...)
    # ------------------------------------------------------------------------------------------
    @api.model
    def _rule_status(self, facts):
        partner, current = facts["partner"], facts["status"]
        if current in HOLD_STATUSES:
            status = dict(partner._fields["credit_status"]._description_selection(self.env))[
                current
            ]
            return self._fired(
                "status",
                "block",
                self.env._("Customer %(status)s", status=status),
                self.env._(
                    "Finance set this customer to %(status)s: %(reason)s",
                    status=status,
                    reason=partner.credit_hold_reason or "",
                ),
            )
        if current == "watch":
            return self._fired(
                "status",
                "warn",
                self.env._("Customer on watch"),
                self.env._("This customer is under closer credit monitoring."),
            )
        return None

    @api.model
    def _rule_rating_policy(self, facts):
        rating = facts["rating"]
        if rating.policy == "prepaid":
            return self._fired(
                "rating_policy",
                "block",
                self.env._("Cash in advance only"),
                self.env._(
                    "Rating %(rating)s allows orders paid in full in advance only.",
                    rating=rating.name,
                ),
            )
        if rating.policy == "blocked":
            return self._fired(
                "rating_policy",
                "block",
                self.env._("Rating without credit"),
                self.env._("Rating %(rating)s allows no order.", rating=rating.name),
            )
        return None

    @api.model
    def _rule_new_customer(self, facts):
        """P3.1.2: a customer is assessed before trading on credit."""
        company, partner = facts["company"], facts["partner"]
        mode = company.credit_new_customer_rule
        if mode == "off" or partner.credit_assessment_id:
            return None
        allowance = company.credit_new_customer_amount
        if self._first_order_allowed(facts):
            return None
        return self._fired(
            "new_customer",
            mode,
            self.env._("No approved credit assessment"),
            self.env._(
                "This customer has no approved credit assessment in %(company)s%(allowance)s.",
                company=company.name,
                allowance=self.env._(
                    " (a first order up to %(amount)s may pass)",
                    amount=self._money(allowance, company),
                )
                if allowance
                else "",
            ),
        )

    @api.model
    def _first_order_allowed(self, facts):
        """The company's first-order allowance covers this document: a customer never
        assessed, asking for no more than the allowance, with no confirmed order yet."""
        if "first_order_allowed" not in facts:  # two rules ask
            company, partner = facts["company"], facts["partner"]
            allowance = company.credit_new_customer_amount
            facts["first_order_allowed"] = bool(
                not partner.credit_assessment_id
                and allowance
                and facts["amount"] <= allowance
                and not self.env["sale.order"]
                .sudo()
                .search_count(
                    [
                        ("partner_id", "child_of", partner.id),
                        ("company_id", "in", company._credit_scope_ids()),
                        ("state", "=", "sale"),
                    ],
                    limit=1,
                )
            )
        return facts["first_order_allowed"]

    @api.model
    def _rule_review_overdue(self, facts):
        company, partner = facts["company"], facts["partner"]
        mode = company.credit_review_overdue_rule
        review = partner.credit_next_review_date
        if mode == "off" or not review:
            return None
        limit = review + timedelta(days=company.credit_review_grace_days)
        if limit >= fields.Date.context_today(self):
            return None
        return self._fired(
            "review_overdue",
            mode,
            self.env._("Credit review overdue"),
            self.env._(
                "The credit review was due on %(date)s (grace: %(grace)s days).",
                date=fields.Date.to_string(review),
                grace=company.credit_review_grace_days,
            ),
        )

    @api.model
    def _rule_overdue(self, facts):
        exposure, company = facts["exposure"], facts["company"]
        if not exposure["is_overdue"]:
            return None
        values = {
            "amount": self._money(exposure["overdue"], company),
            "days": exposure["overdue_days"],
            "grace": company.credit_overdue_grace_days,
        }
        if company.credit_net_unapplied_overdue and exposure["unapplied_credits"]:
            detail = self.env._(
                "%(amount)s is overdue, the oldest for %(days)s days (grace: %(grace)s days); "
                "after unapplied credits of %(credits)s, %(net)s is still overdue.",
                credits=self._money(-exposure["unapplied_credits"], company),
                net=self._money(exposure["overdue_net"], company),
                **values,
            )
        else:
            detail = self.env._(
                "%(amount)s is overdue, the oldest for %(days)s days (grace: %(grace)s days).",
                **values,
            )
        level = "block"
        if company.credit_promise_softens_overdue and self.env["credit.payment.promise"]._in_force(
            facts["partner"], company, facts["date"]
        ):
            # the customer promised to pay: finance chose to warn until the promised date
            level = "warn"
            detail += " " + self.env._("A promise to pay is in force: a warning until its date.")
        return self._fired("overdue", level, self.env._("Overdue receivables"), detail)

    @api.model
    def _rule_no_limit(self, facts):
        """A customer without a credit limit has been granted no credit (P3.1.2: the limit
        comes from the assessment made before trading)."""
        if facts["amount"] <= 0 or facts["limit"] > 0 or self._first_order_allowed(facts):
            return None
        return self._fired(
            "no_limit",
            "block",
            self.env._("No credit limit"),
            self.env._(
                "%(partner)s has no credit limit in %(company)s: no credit is granted until "
                "finance sets a limit, after a credit assessment.",
                partner=facts["partner"].display_name,
                company=facts["company"].name,
            ),
        )

    @api.model
    def _rule_over_limit(self, facts):
        if facts["amount"] <= 0 or facts["limit"] <= 0 or facts["excess"] <= 0:
            return None
        company = facts["company"]
        return self._fired(
            "over_limit",
            "block",
            self.env._("Over credit limit"),
            self.env._(
                "Exposure %(exposure)s with this document %(projected)s exceeds the credit "
                "limit %(limit)s by %(excess)s.",
                exposure=self._money(facts["projected"] - facts["amount"], company),
                projected=self._money(facts["projected"], company),
                limit=self._money(facts["limit"], company),
                excess=self._money(facts["excess"], company),
            )
            + (" " + self._limit_note(facts)).rstrip(),
        )

    @api.model
    def _rule_utilization(self, facts):
        limit, company = facts["limit"], facts["company"]
        if limit <= 0 or facts["projected"] > limit:
            return None
        utilization = 100.0 * facts["projected"] / limit
        if utilization < company.credit_warning_threshold:
            return None
        return self._fired(
            "utilization",
            "warn",
            self.env._("High credit utilisation"),
            self.env._(
                "With this document the customer uses %(utilization)s%% of the credit limit "
                "%(limit)s (warning from %(threshold)s%%).",
                utilization=round(utilization, 1),
                limit=self._money(limit, company),
                threshold=round(company.credit_warning_threshold, 1),
            )
            + (" " + self._limit_note(facts)).rstrip(),
        )

    # ------------------------------------------------------------------------------------------
    # Explanation
    # ------------------------------------------------------------------------------------------
    @api.model
    def _money(self, amount, company):
        return format_amount(self.env, amount, company.currency_id)

    @api.model
    def _decision_message(self, result):
        company, exposure = result["company"], result["exposure"]
        headline = {
            "ok": self.env._("Within credit"),
            "warn": self.env._("Credit warning"),
            "block": self.env._("Credit block"),
        }[result["level"]]
        lines = [
            self.env._(
                "%(headline)s for %(partner)s in %(company)s.",
                headline=headline,
                partner=result["partner"].display_name,
                company=company.name,
            )
        ]
        lines += [f"- {rule['title']}: {rule['detail']}" for rule in result["rules"]]
        lines.append(
            self.env._(
                "Limit %(limit)s, available before this document %(available)s. %(exposure)s "
                "This document: %(amount)s.",
                limit=self._money(result["limit"], company),
                available=self._money(exposure["available"], company),
                exposure=self.env["credit.exposure"]._explain_total(exposure, company),
                amount=self._money(result["amount"], company),
            )
        )
        return "\n".join(lines)

    # ------------------------------------------------------------------------------------------
    # Serialising decisions
    # ------------------------------------------------------------------------------------------
    @api.model
    def _lock_partners(self, partners):
        """Serialise credit decisions on these customers until the end of the transaction.

        The rows are updated, not only locked: under PostgreSQL's REPEATABLE READ a second
        transaction deciding on the same customer then waits for the first and fails with a
        serialisation error once it commits, and Odoo retries it on a fresh snapshot, where it
        sees the first one's confirmed order. Locks are taken in id order (no deadlock)."""
        ids = sorted(set(partners.commercial_partner_id.ids))
        if not ids:
            return
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner SET write_date = write_date
                 WHERE id IN (SELECT id FROM res_partner WHERE id = ANY(%s)
                               ORDER BY id FOR NO KEY UPDATE)
                """,
                ids,
            ),
            # a serialisation failure here is expected under concurrency: Odoo retries it
            log_exceptions=False,
        )
