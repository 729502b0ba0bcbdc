from typing import NamedTuple

from odoo import api, fields, models
from odoo.tools import SQL


class Figure(NamedTuple):
    """One figure of a customer's exposure, as :meth:`CreditExposure._get_exposure` returns it.

    ``kind``: ``amount`` (company currency), ``days``, ``percent`` or ``flag``; ``bucket``:
    one of the terms that add up to the total exposure; ``partner_field``: the field of
    ``res.partner`` showing it; ``snapshot``: a column of ``credit.exposure.snapshot``.
    Adding a figure is one line here, its column in :meth:`CreditExposure._exposure_query`
    and the fields it names (a test checks they exist)."""

    key: str
    kind: str
    bucket: bool = False
    partner_field: str | None = None
    snapshot: bool = False


EXPOSURE_FIGURES = (
    Figure("receivable_not_due", "amount", True, "credit_receivable_not_due", True),
    Figure("overdue", "amount", True, "credit_overdue_amount", True),
    Figure("unapplied_credits", "amount", True, "credit_unapplied_credits", True),
    Figure("draft_invoices", "amount", True, "credit_draft_invoice_amount", True),
    Figure("uninvoiced_orders", "amount", True, "credit_uninvoiced_order_amount", True),
    Figure("overdue_days", "days", False, "credit_overdue_days", True),
    Figure("overdue_net", "amount"),
    Figure("total", "amount", False, "credit_exposure", True),
    Figure("base_limit", "amount"),
    Figure("temporary_limit", "amount", False, "credit_temporary_limit"),
    Figure("insured", "amount", False, "credit_insured_amount"),
    Figure("limit", "amount", False, "credit_effective_limit", True),
    Figure("available", "amount", False, "credit_available"),
    Figure("utilization", "percent", False, "credit_utilization", True),
    Figure("is_overdue", "flag", False, "credit_is_overdue"),
    Figure("is_over_limit", "flag", False, "credit_over_limit"),
    Figure("uninsured", "amount", False, "credit_uninsured_exposure"),
)
EXPOSURE_KEYS = tuple(figure.key for figure in EXPOSURE_FIGURES)
# Python value of a figure read from SQL, by kind (amounts and percents: a float, 0 for NULL)
CONVERT = {"flag": bool, "days": lambda value: int(value or 0)}


def _amount(value):
    return value or 0.0


SNAPSHOT_FIGURES = tuple(figure.key for figure in EXPOSURE_FIGURES if figure.snapshot)
# Aging buckets of an open debit by its days past due on the date (``x.date_maturity``, the
# date as ``%(date)s``): the order of the receivable aging report's columns
AGING_BUCKETS = (
    ("not_due", "(x.date_maturity IS NULL OR x.date_maturity >= %(date)s)"),
    ("days_1_30", "%(date)s::date - x.date_maturity BETWEEN 1 AND 30"),
    ("days_31_60", "%(date)s::date - x.date_maturity BETWEEN 31 AND 60"),
    ("days_61_90", "%(date)s::date - x.date_maturity BETWEEN 61 AND 90"),
    ("days_91_180", "%(date)s::date - x.date_maturity BETWEEN 91 AND 180"),
    ("days_over_180", "%(date)s::date - x.date_maturity > 180"),
)


class CreditExposure(models.AbstractModel):
    """The one place where a customer's credit exposure is computed.

    Exposure is what a commercial partner owes and has committed to buy, in the currency of
    the company asking, within that company's group (the root company and its branches, as
    Odoo's own ``credit`` field counts it):

    * ``receivable_not_due``, ``overdue`` and ``unapplied_credits``: the residual of posted,
      unreconciled receivable lines, split into debits not yet due, debits past their due
      date, and credits (payments and credit notes not yet matched, negative). The three add
      up to Odoo's ``credit`` exactly. ``overdue_days`` is the age of the oldest overdue line.
    * ``overdue_net``: the overdue amount that counts for credit control: when the company
      nets unapplied credits against overdue items (``credit_net_unapplied_overdue``), the
      overdue amount less the unapplied credits (never below zero), else the overdue amount.
    * ``is_overdue``: the one definition of "overdue beyond grace" (decision, filter, crons):
      ``overdue_net`` above zero and the oldest overdue item older than the grace days.
    * ``is_over_limit``: a limit is set and the exposure is above it.
    * ``draft_invoices``: draft customer invoices minus draft credit notes (when the company
      includes them).
    * ``uninvoiced_orders``: confirmed sale order lines, tax included, for the quantity that no
      invoice holds yet, converted at today's rate (when the company includes them). When
      draft invoices are included, a quantity already on a draft invoice is counted there and
      not here; when they are not, only posted invoices reduce the order amount.

    Every bucket is one aggregate over its table for the whole set of partners: the number of
    queries does not depend on the number of partners, invoices or orders. Screens, searches,
    order checks, crons and reports all go through :meth:`_get_exposure` or
    :meth:`_exposure_query`.
    """

    _name = "credit.exposure"
    _description = "Customer Credit Exposure"

    def init(self):
        """Indexes for the exposure of one customer (the order check): its open receivable
        lines read from the index alone, whatever its history of reconciled lines, and its
        draft invoices without scanning everybody's. Measured on a customer with 20,000
        open lines: the receivable bucket from 23.6 to 13.4 ms, the drafts from 0.9 to
        0.3 ms (tests/benchmark_order_check.py)."""
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS credit_management_aml_open_by_partner_idx
                ON account_move_line (partner_id)
                INCLUDE (company_id, account_id, amount_residual, date_maturity)
             WHERE reconciled IS NOT TRUE AND parent_state = 'posted'
            """
        )
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS credit_management_move_draft_by_partner_idx
                ON account_move (commercial_partner_id)
             WHERE state = 'draft' AND move_type IN ('out_invoice', 'out_refund')
            """
        )

    @api.model
    def _get_exposure(self, partners, company=None, date=None, commercial_ids=None):
        """Return ``{commercial_partner_id: {key: value}}`` (keys in ``EXPOSURE_KEYS``) for the
        commercial partners of ``partners`` (or ``commercial_ids`` when the caller already
        resolved them), in the currency of ``company``. Partners with no exposure at all get
        zeros."""
        company = company or self.env.company
        if commercial_ids is None:
            commercial_ids = self._commercial_ids(partners)
        if not commercial_ids:
            return {}
        rows = self.env.execute_query(
            self._exposure_query(company, partner_ids=commercial_ids, date=date, all_partners=True)
        )
        # the columns come in the order of EXPOSURE_KEYS, never NULL, already typed
        result = {row[0]: dict(zip(EXPOSURE_KEYS, row[1:], strict=True)) for row in rows}
        empty = self._empty_exposure()
        for pid in commercial_ids:
            if pid not in result:
                result[pid] = dict(empty)
        return result

    @api.model
    def _exposure_values(self, row):
        """The figures of one row of :meth:`_exposure_query` as Python values."""
        return {
            figure.key: CONVERT.get(figure.kind, _amount)(row[figure.key])
            for figure in EXPOSURE_FIGURES
        }

    @api.model
    def _commercial_ids(self, partners):
        """Ids of the commercial partners of ``partners``."""
        return sorted(set(self._commercial_map(partners).values()))

    @api.model
    def _commercial_map(self, partners):
        """``{partner id: commercial partner id}``, read in SQL: loading thousands of partner
        records only to follow commercial_partner_id costs more than the exposure."""
        ids = [pid for pid in partners.ids if pid]
        if not ids:
            return {}
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        rows = self.env.execute_query(
            SQL("SELECT id, commercial_partner_id FROM res_partner WHERE id = ANY(%s)", ids)
        )
        return {pid: commercial_id for pid, commercial_id in rows if commercial_id}

    @api.model
    def _empty_exposure(self):
        return self._exposure_values(dict.fromkeys(EXPOSURE_KEYS))

    @api.model
    def _figure_labels(self):
        """Readable name of each figure, for explanations and reports."""
        return {
            "receivable_not_due": self.env._("receivable not due"),
            "overdue": self.env._("overdue"),
            "unapplied_credits": self.env._("unapplied credits"),
            "draft_invoices": self.env._("draft invoices"),
            "uninvoiced_orders": self.env._("uninvoiced orders"),
            "overdue_days": self.env._("days overdue"),
            "overdue_net": self.env._("overdue after unapplied credits"),
            "total": self.env._("exposure"),
            "base_limit": self.env._("customer's credit limit"),
            "temporary_limit": self.env._("temporary increase"),
            "insured": self.env._("insured amount"),
            "uninsured": self.env._("uninsured exposure"),
            "limit": self.env._("credit limit"),
            "available": self.env._("available credit"),
            "utilization": self.env._("utilisation"),
            "is_overdue": self.env._("overdue beyond grace"),
            "is_over_limit": self.env._("over the limit"),
        }

    @api.model
    def _explain_total(self, exposure, company):
        """``"Exposure 10.00 = receivable not due 4.00 + overdue 6.00 + ..."``: the total
        and each bucket that adds up to it."""
        labels, money = self._figure_labels(), self.env["credit.decision"]._money
        terms = " + ".join(
            f"{labels[figure.key]} {money(exposure[figure.key], company)}"
            for figure in EXPOSURE_FIGURES
            if figure.bucket
        )
        return self.env._(
            "Exposure %(total)s = %(terms)s.",
            total=money(exposure["total"], company),
            terms=terms,
        )

    @api.model
    def _exposure_query(
        self, company, partner_ids=None, date=None, all_partners=False, receivable_only=False
    ):
        """SQL returning one row per commercial partner with the columns ``partner_id`` and
        ``EXPOSURE_KEYS``.

        :param partner_ids: restrict to these commercial partners (None: every partner that has
            any exposure, for searches and crons).
        :param all_partners: with ``partner_ids``, also return rows (of zeros and the limit)
            for the partners that have no exposure.
        :param receivable_only: only the receivable bucket (draft invoices and orders count
            as zero): for what depends on the receivable alone, such as ``is_overdue``.
        """
        date = date or fields.Date.context_today(self)
        company = company.sudo()
        company_ids = company._credit_scope_ids()
        partner_ids = None if partner_ids is None else list(partner_ids)
        # a few customers: their documents through the partner indexes; many: one pass over
        # every document costs less than looking each customer up (the base keeps the rows)
        bucket_ids = partner_ids if partner_ids is None or len(partner_ids) <= 500 else None
        buckets = [self._receivable_bucket(company_ids, bucket_ids, date)]
        if company.credit_include_draft_invoices and not receivable_only:
            buckets.append(self._draft_invoice_bucket(company_ids, bucket_ids))
        if company.credit_include_uninvoiced_orders and not receivable_only:
            buckets.append(
                self._uninvoiced_order_bucket(
                    company,
                    company_ids,
                    bucket_ids,
                    date,
                    company.credit_include_draft_invoices,
                )
            )

        Partner = self.env["res.partner"].sudo().with_company(company)
        base_limit = SQL("COALESCE(%s, 0)", Partner._field_to_sql("p", "credit_limit"))
        limit_sql, limit_joins = self._effective_limit_sql(company, date, base_limit)
        # each bucket is aggregated on its own, one row per commercial partner, and joined to
        # the partners: no union of the buckets to group again
        aliases = [f"b{index}" for index in range(len(buckets))]
        names = [SQL.identifier(alias) for alias in aliases]
        if partner_ids is None:
            base = SQL(" UNION ").join(SQL("SELECT partner_id FROM %s", name) for name in names)
        elif all_partners:
            base = SQL("SELECT id AS partner_id FROM res_partner WHERE id = ANY(%s)", partner_ids)
        else:
            base = SQL(
                "SELECT partner_id FROM (%s) x WHERE partner_id = ANY(%s)",
                SQL(" UNION ").join(SQL("SELECT partner_id FROM %s", name) for name in names),
                partner_ids,
            )

        def column(key):
            for alias, (_query, keys) in zip(aliases, buckets, strict=True):
                if key in keys:
                    return SQL("COALESCE(%s, 0)", SQL.identifier(alias, key))
            return SQL("0")

        total = SQL(" + ").join(
            column(key)
            for key in (
                "receivable_not_due",
                "overdue",
                "unapplied_credits",
                "draft_invoices",
                "uninvoiced_orders",
            )
        )
        overdue = column("overdue")
        overdue_net = (
            SQL("GREATEST(%s + %s, 0)", overdue, column("unapplied_credits"))
            if company.credit_net_unapplied_overdue
            else overdue
        )
        days = column("overdue_days")
        # every column is NOT NULL: the rows are read as they come (see _get_exposure)
        figures = {
            "receivable_not_due": column("receivable_not_due"),
            "overdue": overdue,
            "unapplied_credits": column("unapplied_credits"),
            "draft_invoices": column("draft_invoices"),
            "uninvoiced_orders": column("uninvoiced_orders"),
            "overdue_days": days,
            "overdue_net": overdue_net,
            "total": SQL("(%s)", total),
            "base_limit": base_limit,
            "temporary_limit": SQL("COALESCE(tl.amount, 0)"),
            "insured": SQL("COALESCE(ins.amount, 0)"),
            "limit": limit_sql,
            "uninsured": SQL("GREATEST((%s) - COALESCE(ins.amount, 0), 0)", total),
            "available": SQL(
                "CASE WHEN %(limit)s > 0 THEN %(limit)s - (%(total)s) ELSE 0 END",
                limit=limit_sql,
                total=total,
            ),
            "utilization": SQL(
                "CASE WHEN %(limit)s > 0 THEN 100.0 * (%(total)s) / %(limit)s ELSE 0 END",
                limit=limit_sql,
                total=total,
            ),
            "is_overdue": SQL(
                "(%(net)s > 0 AND %(days)s > %(grace)s)",
                net=overdue_net,
                days=days,
                grace=company.credit_overdue_grace_days,
            ),
            "is_over_limit": SQL(
                "(%(limit)s > 0 AND (%(total)s) > %(limit)s)", limit=limit_sql, total=total
            ),
        }
        return SQL(
            """
            WITH %(ctes)s
            SELECT p.id AS partner_id, %(figures)s
              FROM (%(base)s) base
              JOIN res_partner p ON p.id = base.partner_id
              %(joins)s
            """,
            ctes=SQL(", ").join(
                SQL("%s AS MATERIALIZED (%s)", name, query)
                for name, (query, _keys) in zip(names, buckets, strict=True)
            ),
            figures=SQL(", ").join(
                SQL("%s AS %s", figures[key], SQL.identifier(key)) for key in EXPOSURE_KEYS
            ),
            base=base,
            joins=SQL(" ").join(
                [
                    *(
                        SQL(
                            "LEFT JOIN %s ON %s = p.id",
                            SQL.identifier(alias),
                            SQL.identifier(alias, "partner_id"),
                        )
                        for alias in aliases
                    ),
                    limit_joins,
                ]
            ),
        )

    @api.model
    def _effective_limit_sql(self, company, date, base_limit):
        """``(limit, joins)``: the credit limit in force on ``date``, the one formula every
        screen, check and report reads: the customer's limit, plus the temporary increases
        finance approved for the day, capped (when the company insures its credit) at the
        insured amount in force plus the company's own risk. ``joins`` brings the increases
        (``tl``) and insurances (``ins``) of each partner ``p``."""
        self.env["credit.limit.increase"].flush_model(
            ["partner_id", "company_id", "state", "date_start", "date_end", "amount"]
        )
        self.env["credit.insurance"].flush_model(
            ["partner_id", "company_id", "active", "date_start", "date_end", "insured_amount"]
        )
        joins = SQL(
            """
            LEFT JOIN (SELECT partner_id, SUM(amount) AS amount
                         FROM credit_limit_increase
                        WHERE company_id = %(company)s AND state = 'approved'
                          AND date_start <= %(date)s AND date_end >= %(date)s
                     GROUP BY partner_id) tl ON tl.partner_id = p.id
            LEFT JOIN (SELECT partner_id, SUM(insured_amount) AS amount
                         FROM credit_insurance
                        WHERE company_id = %(company)s AND active
                          AND date_start <= %(date)s
                          AND (date_end IS NULL OR date_end >= %(date)s)
                     GROUP BY partner_id) ins ON ins.partner_id = p.id
            """,
            company=company.id,
            date=date,
        )
        limit = SQL("(%s + COALESCE(tl.amount, 0))", base_limit)
        if company.credit_insurance_cap:
            limit = SQL(
                "LEAST(%s, COALESCE(ins.amount, 0) + %s)",
                limit,
                company.credit_insurance_own_risk or 0.0,
            )
        return limit, joins

    @api.model
    def _partners_of(self, column, partner_ids):
        """SQL: ``column`` (a partner id) belongs to one of the commercial partners
        ``partner_ids`` (None: any). An IN over the partner ids, so that the documents are
        found through their own partner index."""
        if partner_ids is None:
            return SQL("TRUE")
        return SQL(
            "%s IN (SELECT id FROM res_partner WHERE commercial_partner_id = ANY(%s))",
            column,
            partner_ids,
        )

    # ------------------------------------------------------------------------------------------
    # Buckets: each returns ``(query, keys)``: a query of one row per commercial partner with
    # the columns partner_id and ``keys`` (figures of EXPOSURE_KEYS)
    # ------------------------------------------------------------------------------------------
    @api.model
    def _receivable_bucket(self, company_ids, partner_ids, date):
        """Open receivable lines, summed per partner first (one pass over the lines, as a
        plain GROUP BY does), then per commercial partner (a pass over the partners)."""
        for model, fnames in (
            (
                "account.move.line",
                [
                    "account_id",
                    "amount_residual",
                    "company_id",
                    "date_maturity",
                    "parent_state",
                    "partner_id",
                    "reconciled",
                ],
            ),
            ("account.account", ["account_type"]),
            ("res.partner", ["commercial_partner_id"]),
        ):
            self.env[model].flush_model(fnames)
        query = SQL(
            """
            SELECT cp.commercial_partner_id AS partner_id,
                   SUM(x.not_due) AS receivable_not_due, SUM(x.overdue) AS overdue,
                   SUM(x.credits) AS unapplied_credits, MAX(x.overdue_days) AS overdue_days
              FROM (
                    SELECT aml.partner_id,
                           SUM(aml.amount_residual) FILTER (
                               WHERE aml.amount_residual > 0
                                 AND (aml.date_maturity >= %(date)s OR aml.date_maturity IS NULL))
                               AS not_due,
                           SUM(aml.amount_residual) FILTER (
                               WHERE aml.date_maturity < %(date)s AND aml.amount_residual > 0)
                               AS overdue,
                           SUM(aml.amount_residual) FILTER (WHERE aml.amount_residual < 0)
                               AS credits,
                           MAX(%(date)s::date - aml.date_maturity) FILTER (
                               WHERE aml.date_maturity < %(date)s AND aml.amount_residual > 0)
                               AS overdue_days
                      FROM account_move_line aml
                      JOIN account_account acc ON acc.id = aml.account_id
                     WHERE acc.account_type = 'asset_receivable'
                       AND aml.parent_state = 'posted'
                       AND aml.reconciled IS NOT TRUE
                       AND aml.company_id = ANY(%(company_ids)s)
                       AND %(partner_filter)s
                  GROUP BY aml.partner_id
                   ) x
              JOIN res_partner cp ON cp.id = x.partner_id
          GROUP BY cp.commercial_partner_id
            """,
            date=date,
            company_ids=company_ids,
            partner_filter=self._partners_of(SQL("aml.partner_id"), partner_ids),
        )
        return query, ("receivable_not_due", "overdue", "unapplied_credits", "overdue_days")

    @api.model
    def _draft_invoice_bucket(self, company_ids, partner_ids):
        self.env["account.move"].flush_model(
            ["amount_total_signed", "commercial_partner_id", "company_id", "move_type", "state"]
        )
        partner_filter = SQL("TRUE")
        if partner_ids is not None:
            partner_filter = SQL("am.commercial_partner_id = ANY(%s)", partner_ids)
        query = SQL(
            """
            SELECT am.commercial_partner_id AS partner_id,
                   SUM(am.amount_total_signed) AS draft_invoices
              FROM account_move am
             WHERE am.state = 'draft'
               AND am.move_type IN ('out_invoice', 'out_refund')
               AND am.company_id = ANY(%(company_ids)s)
               AND %(partner_filter)s
          GROUP BY am.commercial_partner_id
            """,
            company_ids=company_ids,
            partner_filter=partner_filter,
        )
        return query, ("draft_invoices",)

    @api.model
    def _uninvoiced_order_bucket(self, company, company_ids, partner_ids, date, drafts_counted):
        self.env["sale.order"].flush_model(["company_id", "partner_invoice_id", "state"])
        self.env["sale.order.line"].flush_model(
            [
                "currency_id",
                "display_type",
                "order_id",
                "price_total",
                "product_uom_qty",
                "qty_invoiced",
                "qty_invoiced_posted",
            ]
        )
        # quantity already on an invoice: drafts included when they are counted as drafts
        qty_invoiced = SQL.identifier(
            "sol", "qty_invoiced" if drafts_counted else "qty_invoiced_posted"
        )
        query = SQL(
            """
            SELECT cp.commercial_partner_id AS partner_id,
                   SUM(sol.price_total / sol.product_uom_qty
                       * GREATEST(sol.product_uom_qty - %(qty_invoiced)s, 0)
                       * rate.factor) AS uninvoiced_orders
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_partner cp ON cp.id = so.partner_invoice_id
              JOIN (%(rates)s) AS rate(currency_id, factor) ON rate.currency_id = sol.currency_id
             WHERE so.state = 'sale'
               AND sol.display_type IS NULL
               AND sol.product_uom_qty > 0
               AND so.company_id = ANY(%(company_ids)s)
               AND %(partner_filter)s
          GROUP BY cp.commercial_partner_id
            """,
            qty_invoiced=qty_invoiced,
            rates=self._currency_factors(company, date),
            company_ids=company_ids,
            partner_filter=self._partners_of(SQL("so.partner_invoice_id"), partner_ids),
        )
        return query, ("uninvoiced_orders",)

    @api.model
    def _currency_factors(self, company, date):
        """VALUES table (currency_id, factor): multiply an amount in that currency by factor to
        get it in the company currency at ``date`` (one query for all active currencies)."""
        currencies = (
            self.env["res.currency"]
            .sudo()
            .with_context(active_test=False)
            .search([("active", "=", True)])
            | company.currency_id
        )
        rates = currencies._get_rates(company, date)
        company_rate = rates[company.currency_id.id]
        return SQL(
            "VALUES %s",
            SQL(", ").join(
                SQL("(%s, %s::numeric)", currency_id, company_rate / (rate or 1.0))
                for currency_id, rate in rates.items()
            ),
        )

    # ------------------------------------------------------------------------------------------
    # Aging: the open receivable of a date, by days past due
    # ------------------------------------------------------------------------------------------
    @api.model
    def _aging(self, company, date, partner_ids=None):
        """``{commercial_partner_id: {key: amount}}`` with the keys of ``AGING_BUCKETS``,
        ``unapplied_credits`` and ``total``: what was open on ``date`` in ``company``'s group,
        in company currency. An item counts if it was posted with a date up to ``date``, for
        what its reconciliations up to ``date`` left of it (a payment matched after the date
        leaves the invoice open); open debits go to the bucket of their days past due on
        ``date``, open credits to ``unapplied_credits``. On today, ``total`` is the
        receivable of :meth:`_get_exposure` (not due + overdue + unapplied credits).

        :param partner_ids: commercial partners (None: every customer with an open item).
        """
        company = company.sudo()
        for model, fnames in (
            (
                "account.move.line",
                [
                    "account_id",
                    "balance",
                    "company_id",
                    "date",
                    "date_maturity",
                    "parent_state",
                    "partner_id",
                ],
            ),
            (
                "account.partial.reconcile",
                ["amount", "credit_move_id", "debit_move_id", "max_date"],
            ),
            ("account.account", ["account_type"]),
            ("res.partner", ["commercial_partner_id"]),
        ):
            self.env[model].flush_model(fnames)
        buckets = SQL(", ").join(
            SQL(
                "SUM(x.residual) FILTER (WHERE x.residual > 0 AND %s) AS %s",
                SQL(condition, date=date),
                SQL.identifier(key),
            )
            for key, condition in AGING_BUCKETS
        )
        rows = self.env.execute_query_dict(
            SQL(
                """
                SELECT x.partner_id, %(buckets)s,
                       SUM(x.residual) FILTER (WHERE x.residual < 0) AS unapplied_credits,
                       SUM(x.residual) AS total
                  FROM (
                        SELECT cp.commercial_partner_id AS partner_id, aml.date_maturity,
                               aml.balance
                               - COALESCE((SELECT SUM(apr.amount)
                                             FROM account_partial_reconcile apr
                                            WHERE apr.debit_move_id = aml.id
                                              AND apr.max_date <= %(date)s), 0)
                               + COALESCE((SELECT SUM(apr.amount)
                                             FROM account_partial_reconcile apr
                                            WHERE apr.credit_move_id = aml.id
                                              AND apr.max_date <= %(date)s), 0) AS residual
                          FROM account_move_line aml
                          JOIN account_account acc ON acc.id = aml.account_id
                          JOIN res_partner cp ON cp.id = aml.partner_id
                         WHERE acc.account_type = 'asset_receivable'
                           AND aml.parent_state = 'posted'
                           AND aml.date <= %(date)s
                           AND aml.company_id = ANY(%(company_ids)s)
                           AND %(partner_filter)s
                       ) x
                 WHERE x.residual != 0
              GROUP BY x.partner_id
                """,
                buckets=buckets,
                date=date,
                company_ids=company._credit_scope_ids(),
                partner_filter=self._partners_of(SQL("aml.partner_id"), partner_ids),
            )
        )
        keys = [key for key, _condition in AGING_BUCKETS] + ["unapplied_credits", "total"]
        result = {row["partner_id"]: {key: row[key] or 0.0 for key in keys} for row in rows}
        for pid in partner_ids or ():
            result.setdefault(pid, dict.fromkeys(keys, 0.0))
        return result

    @api.model
    def _paid_on_sql(self, move_alias):
        """SQL: the day the invoice ``move_alias`` (an alias of account_move) was last paid
        (its latest reconciliation), for days-to-pay and lateness everywhere."""
        return SQL(
            """(SELECT MAX(apr.max_date)
                  FROM account_move_line paid_aml
                  JOIN account_partial_reconcile apr ON apr.debit_move_id = paid_aml.id
                 WHERE paid_aml.move_id = %s AND paid_aml.display_type = 'payment_term')""",
            SQL.identifier(move_alias, "id"),
        )

    # ------------------------------------------------------------------------------------------
    # Searches: SQL sub-selects of commercial partner ids, for _search_* methods and crons
    # ------------------------------------------------------------------------------------------
    @api.model
    def _over_limit_query(self, company):
        return SQL(
            "SELECT partner_id FROM (%s) x WHERE x.is_over_limit", self._exposure_query(company)
        )

    @api.model
    def _overdue_query(self, company, date=None):
        """Commercial partners overdue beyond the company's grace days (``is_overdue``)."""
        return SQL(
            "SELECT partner_id FROM (%s) x WHERE x.is_overdue",
            self._exposure_query(company, date=date, receivable_only=True),
        )

    @api.model
    def _exposed_query(self, company):
        """Commercial partners with any exposure at all (a row in one of the buckets)."""
        return SQL("SELECT partner_id FROM (%s) x", self._exposure_query(company))
