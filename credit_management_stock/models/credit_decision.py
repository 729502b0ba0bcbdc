from odoo import api, models


class CreditDecision(models.AbstractModel):
    _inherit = "credit.decision"

    @api.model
    def _decide_delivery(self, partner, company):
        """The decision on a delivery: it adds no credit (its order is in the exposure), so
        only a customer blocked or on hold, or an exposure above the limit in force by more
        than the company's delivery tolerance, holds it."""
        result = self._decide(partner, 0.0, company)
        if not company.credit_control_enabled:
            return result
        return self._apply_delivery_rules(result)

    @api.model
    def _apply_delivery_rules(self, result):
        """The delivery's rules on the facts of ``result``, worded in the environment's
        language (``credit.decision._message_in`` calls it again for another reader)."""
        company = result["company"]
        result = self._apply_rules(result)
        result["relang"] = "_apply_delivery_rules"
        rules = [r for r in result["rules"] if r["code"] == "status" and r["level"] == "block"]
        exposure = result["exposure"]
        limit, total = exposure["limit"], exposure["total"]
        excess = total - limit
        if (
            limit > 0
            and company.currency_id.compare_amounts(excess, company.credit_delivery_tolerance) > 0
        ):
            rules.append(
                self._fired(
                    "over_limit",
                    "block",
                    self.env._("Over credit limit"),
                    self.env._(
                        "Exposure %(exposure)s exceeds the credit limit %(limit)s by "
                        "%(excess)s, more than the delivery tolerance of %(tolerance)s.",
                        exposure=self._money(total, company),
                        limit=self._money(limit, company),
                        excess=self._money(excess, company),
                        tolerance=self._money(company.credit_delivery_tolerance, company),
                    ),
                )
            )
        result.update(
            rules=rules,
            level="block" if rules else "ok",
            excess=max(excess, 0.0),
            projected=total,
        )
        result["message"] = self._decision_message(result) if rules else ""
        return result
