"""Generate a realistic credit data set in an Odoo database where credit_management is installed.

    CM_DATA_SIZE=20k bin/cm odoo shell -d credit_data --no-http < data/generate.py

Sizes (CM_DATA_SIZE): 1k, 20k or 100k customers, about ten open receivable lines each (100k:
about a million). The documents are real Odoo documents made once through the ORM (the
seeds: an open invoice, a partly paid and a paid invoice with their payments, an invoice in
a foreign currency, a credit note, an unapplied payment, a confirmed and a draft order, in
each of two companies and currencies), then copied in SQL, one statement per table and seed,
with their lines and reconciliations, each copy with its customer, amounts and dates (spread
over two years): 100k customers take minutes. Assessments and credit events are made through
the ORM for a sample of customers. Customers get per-company limits, ratings, statuses and
review dates. The data is committed; run it on a database of its own.
"""

import os
import time
from datetime import timedelta

from odoo import Command, fields
from odoo.tools import SQL

SIZES = {"test": 50, "1k": 1_000, "20k": 20_000, "100k": 100_000}
# copies of each seed per customer: open invoices are most of the receivable lines
SEED_SHARE = {
    "open": 6,
    "partial": 1,
    "paid": 2,
    "foreign": 1,
    "refund": 0.5,
    "unapplied": 0.3,
    "order": 1,
    "draft_order": 0.5,
}
MONEY = {
    "account_move": (
        "amount_untaxed amount_tax amount_total amount_residual amount_untaxed_signed"
        " amount_untaxed_in_currency_signed amount_tax_signed amount_total_signed"
        " amount_total_in_currency_signed amount_residual_signed"
    ),
    "account_move_line": (
        "debit credit balance amount_currency amount_residual amount_residual_currency"
        " price_unit price_subtotal price_total tax_base_amount"
    ),
    "account_partial_reconcile": "amount debit_amount_currency credit_amount_currency",
    "sale_order": "amount_untaxed amount_tax amount_total",
    "sale_order_line": (
        "price_unit price_subtotal price_total price_reduce_taxexcl price_reduce_taxinc"
        " untaxed_amount_invoiced untaxed_amount_to_invoice"
    ),
}
DATES = {
    "account_move": "date invoice_date invoice_date_due",
    "account_move_line": "date date_maturity invoice_date",
    "account_partial_reconcile": "max_date",
    "sale_order": "date_order validity_date",
}


def _columns(env, table):
    return [
        name
        for (name,) in env.execute_query(
            SQL(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_name = %s AND column_name != 'id' ORDER BY ordinal_position",
                table,
            )
        )
    ]


def _insert_sql(env, table, source, overrides):
    """INSERT INTO ``table`` SELECT each column from ``source`` (alias t, with the copy's
    number n, amount factor f and day offset d) or its override."""
    money = set(MONEY.get(table, "").split())
    dates = set(DATES.get(table, "").split())

    def value(column):
        if column in overrides:
            return overrides[column]
        if column in money:
            return SQL("ROUND(t.%s * f, 2)", SQL.identifier(column))
        if column in dates:
            return SQL("t.%s - d", SQL.identifier(column))
        return SQL.identifier("t", column)

    columns = _columns(env, table)
    return SQL(
        "INSERT INTO %s (%s) SELECT %s FROM %s",
        SQL.identifier(table),
        SQL(", ").join(SQL.identifier(c) for c in columns),
        SQL(", ").join(value(c) for c in columns),
        source,
    )


def _insert(env, table, source, overrides):
    env.cr.execute(_insert_sql(env, table, source, overrides))
    return env.cr.rowcount


def _insert_mapped(env, table, source, overrides, old_id, mapping):
    """Insert the copies of the row ``old_id`` of ``table`` (their name ends in ``#n``) and
    record (new id, old id, n) of each in the temporary table ``mapping``."""
    env.cr.execute(
        SQL(
            """
            WITH inserted AS (%s RETURNING id, name)
            INSERT INTO %s SELECT id, %s, split_part(name, '#', 2)::int FROM inserted
            """,
            _insert_sql(env, table, source, overrides),
            SQL.identifier(mapping),
            old_id,
        )
    )
    return env.cr.rowcount


def _mapping(env, name):
    env.cr.execute(
        SQL(
            "DROP TABLE IF EXISTS %(t)s; CREATE TEMP TABLE %(t)s (new_id int, old_id int, n int)",
            t=SQL.identifier(name),
        )
    )


def _index_mapping(env, name):
    env.cr.execute(SQL("CREATE INDEX ON %(t)s (old_id, n); ANALYZE %(t)s", t=SQL.identifier(name)))


def _series(env, count, partner_ids, history=False):
    """A temporary table ``gen_series`` of the copies: number n, its customer, amount factor
    (0.2 to 5, spread by a hash) and day offset: over two years for the paid history
    (``history``) and for one customer in ten (who therefore has overdue items), within the
    payment terms for the others. Indexed on n: every copied table joins it."""
    env.cr.execute(
        SQL(
            """
            DROP TABLE IF EXISTS gen_series;
            CREATE TEMP TABLE gen_series AS
            SELECT n, (%(partners)s::int[])[1 + k] AS partner,
                   (1 + mod(abs(hashint4(n)), 25)) / 5.0 AS f,
                   CASE WHEN %(history)s OR mod(k, 10) = 0 THEN mod(abs(hashint4(n + 1)), 730)
                        ELSE mod(abs(hashint4(n + 1)), 25) END AS d
              FROM (SELECT n, mod(n::bigint * 7919, %(count)s)::int AS k
                      FROM generate_series(1, %(copies)s) n) x;
            CREATE UNIQUE INDEX ON gen_series (n);
            ANALYZE gen_series
            """,
            partners=partner_ids,
            count=len(partner_ids),
            copies=count,
            history=history,
        )
    )
    return SQL("gen_series")


def _copy_moves(env, seeds, count, partner_ids, tag, history=False):
    """Copy the moves ``seeds`` (an invoice and the payments reconciled with it) ``count``
    times, with their lines and partial reconciliations. Returns the number of moves."""
    series = _series(env, count, partner_ids, history)
    moves = 0
    _mapping(env, "gen_moves")
    for seed in seeds:
        moves += _insert_mapped(
            env,
            "account_move",
            SQL("account_move t, %s s WHERE t.id = %s", series, seed.id),
            {
                "name": SQL("t.name || '/' || %s || '#' || n", tag),
                "partner_id": SQL("s.partner"),
                "commercial_partner_id": SQL("s.partner"),
                "access_token": SQL("NULL"),  # a copy gets its own portal token when shared
            },
            seed.id,
            "gen_moves",
        )
    _index_mapping(env, "gen_moves")
    # lines follow their move: partner, amounts and dates of the copy
    _insert(
        env,
        "account_move_line",
        SQL(
            "account_move_line t JOIN gen_moves g ON g.old_id = t.move_id, %s s WHERE s.n = g.n",
            series,
        ),
        {
            "move_id": SQL("g.new_id"),
            "partner_id": SQL("CASE WHEN t.partner_id IS NULL THEN NULL ELSE s.partner END"),
            "move_name": SQL("t.move_name || '/' || %s || '#' || g.n", tag),
            "full_reconcile_id": SQL("NULL"),
            "matching_number": SQL("NULL"),
        },
    )
    # the planner must know the lines just copied (else it loops over them)
    env.cr.execute("ANALYZE account_move_line")
    # partial reconciliations between the copies of the same number
    _insert(
        env,
        "account_partial_reconcile",
        SQL(
            """account_partial_reconcile t
               JOIN account_move_line dl ON dl.id = t.debit_move_id
               JOIN account_move_line cl ON cl.id = t.credit_move_id
               JOIN gen_moves dg ON dg.old_id = dl.move_id
               JOIN gen_moves cg ON cg.old_id = cl.move_id AND cg.n = dg.n
               JOIN account_move_line ndl ON ndl.move_id = dg.new_id
                    AND ndl.account_id = dl.account_id AND ndl.balance > 0
               JOIN account_move_line ncl ON ncl.move_id = cg.new_id
                    AND ncl.account_id = cl.account_id AND ncl.balance < 0,
               %s s WHERE s.n = dg.n""",
            series,
        ),
        {
            "debit_move_id": SQL("ndl.id"),
            "credit_move_id": SQL("ncl.id"),
            "full_reconcile_id": SQL("NULL"),
            "exchange_move_id": SQL("NULL"),
        },
    )
    return moves


def _copy_orders(env, seed, count, partner_ids, tag):
    series = _series(env, count, partner_ids)
    _mapping(env, "gen_orders")
    _insert_mapped(
        env,
        "sale_order",
        SQL("sale_order t, %s s WHERE t.id = %s", series, seed.id),
        {
            "name": SQL("t.name || '/' || %s || '#' || n", tag),
            "partner_id": SQL("s.partner"),
            "partner_invoice_id": SQL("s.partner"),
            "partner_shipping_id": SQL("s.partner"),
            "access_token": SQL("NULL"),
            "date_order": SQL("t.date_order - d * INTERVAL '1 day'"),
        },
        seed.id,
        "gen_orders",
    )
    _index_mapping(env, "gen_orders")
    _insert(
        env,
        "sale_order_line",
        SQL(
            "sale_order_line t JOIN gen_orders g ON t.order_id = g.old_id, %s s WHERE s.n = g.n",
            series,
        ),
        {"order_id": SQL("g.new_id"), "order_partner_id": SQL("s.partner")},
    )


def _companies(env):
    """The demo's company and a second one in euros, both under credit control."""
    main = env.ref("base.main_company")
    eur = env.ref("base.EUR")
    eur.active = True
    second = env["res.company"].search([("name", "=", "Credit Data EU")], limit=1)
    if not second:
        second = env["res.company"].create({"name": "Credit Data EU", "currency_id": eur.id})
        env["account.chart.template"].try_loading("generic_coa", second, install_demo=False)
    env.user.company_ids |= main | second
    if not env["res.currency.rate"].search([("currency_id", "=", eur.id)], limit=1):
        env["res.currency.rate"].create({"currency_id": eur.id, "rate": 0.92, "name": "2024-01-01"})
    for company in main | second:
        company.write(
            {
                "credit_control_enabled": False,  # the seeds are confirmed without a check
                "credit_include_draft_invoices": True,
                "credit_include_uninvoiced_orders": True,
            }
        )
    return main | second


def _seeds(env, company, product):
    """One document of each kind, made through the ORM (real accounting)."""
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    partner = env["res.partner"].create(
        {"name": f"Seed customer {company.name}", "is_company": True}
    )
    today = fields.Date.context_today(env.user)

    def invoice(amount, move_type="out_invoice", currency=None, due=30):
        move = env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": today,
                "invoice_date_due": today + timedelta(days=due),
                "invoice_payment_term_id": False,
                "currency_id": (currency or company.currency_id).id,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Goods", "quantity": 1, "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        move.action_post()
        return move

    def pay(move, amount):
        return (
            env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"amount": amount, "payment_date": today + timedelta(days=20)})
            ._create_payments()
        )

    seeds = {"open": [invoice(1000.0)]}
    partial = invoice(800.0)
    seeds["partial"] = [partial, pay(partial, 300.0).move_id]
    paid = invoice(500.0, due=10)
    seeds["paid"] = [paid, pay(paid, 500.0).move_id]
    foreign = (
        env.ref("base.USD") if company.currency_id != env.ref("base.USD") else env.ref("base.EUR")
    )
    seeds["foreign"] = [invoice(600.0, currency=foreign)]
    seeds["refund"] = [invoice(150.0, move_type="out_refund")]
    payment = env["account.payment"].create(
        {
            "payment_type": "inbound",
            "partner_type": "customer",
            "partner_id": partner.id,
            "amount": 200.0,
            "date": today,
        }
    )
    payment.action_post()
    seeds["unapplied"] = [payment.move_id]
    order = env["sale.order"].create(
        {
            "partner_id": partner.id,
            "order_line": [
                Command.create({"product_id": product.id, "product_uom_qty": 4, "price_unit": 250})
            ],
        }
    )
    order.action_confirm()
    draft = order.copy()
    seeds["order"], seeds["draft_order"] = order, draft
    return seeds


def _customers(env, count, companies):
    """``count`` customers in one statement, with a limit, rating, status and review date in
    each company."""
    template = env["res.partner"].create({"name": "Customer template", "is_company": True})
    env.flush_all()
    ratings = {company.id: env["credit.rating"]._scale(company).ids or [0] for company in companies}

    def per_company(expression):
        return SQL(
            "jsonb_build_object(%s)",
            SQL(", ").join(SQL("%s::text, %s", c.id, expression(c)) for c in companies),
        )

    statuses = ["approved"] * 7 + ["watch", "hold", "not_assessed"]
    ids = [
        row[0]
        for row in env.execute_query(
            SQL(
                """
                INSERT INTO res_partner (%(columns)s)
                SELECT %(values)s FROM res_partner t, generate_series(1, %(count)s) n
                 WHERE t.id = %(template)s RETURNING id
                """,
                columns=SQL(", ").join(SQL.identifier(c) for c in _columns(env, "res_partner")),
                values=SQL(", ").join(
                    {
                        "name": SQL("'Customer ' || lpad(n::text, 6, '0')"),
                        "complete_name": SQL("'Customer ' || lpad(n::text, 6, '0')"),
                        "ref": SQL("'C' || lpad(n::text, 6, '0')"),
                        "customer_rank": SQL("1"),
                        # limits of 10,000 to 49,000 against about 20,000 of exposure: some
                        # customers are over their limit, most are not
                        "credit_limit": per_company(lambda c: SQL("(10 + mod(n, 40)) * 1000")),
                        "credit_rating_id": per_company(
                            lambda c: SQL(
                                "(%s::int[])[1 + mod(n, %s)]", ratings[c.id], len(ratings[c.id])
                            )
                        ),
                        "credit_status": per_company(
                            lambda c: SQL("(%s::text[])[1 + mod(n, 10)]", statuses)
                        ),
                        "credit_hold_reason": per_company(
                            lambda c: SQL("CASE WHEN mod(n, 10) = 8 THEN 'Generated hold' END")
                        ),
                        "credit_next_review_date": per_company(
                            lambda c: SQL("to_char(CURRENT_DATE + mod(n, 400) - 30, 'YYYY-MM-DD')")
                        ),
                    }.get(column, SQL.identifier("t", column))
                    for column in _columns(env, "res_partner")
                ),
                count=count,
                template=template.id,
            )
        )
    ]
    env.cr.execute(SQL("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", ids))
    template.unlink()
    return ids


def generate(env, size, verbose=True):
    say = print if verbose else (lambda *_args: None)
    count = SIZES[size]
    start = time.perf_counter()
    companies = _companies(env)
    product = env["product.product"].create(
        {"name": "Generated goods", "type": "consu", "invoice_policy": "order", "list_price": 250}
    )
    customers = _customers(env, count, companies)
    say(f"{count} customers in {time.perf_counter() - start:.1f} s")
    for index, company in enumerate(companies):
        seeds = _seeds(env, company, product)
        env.flush_all()
        # the second company has a fifth of the documents
        share = 1.0 if index == 0 else 0.2
        for kind, copies in SEED_SHARE.items():
            number = max(int(count * copies * share), 1)
            tag = f"g{company.id}{kind}"
            if kind in ("order", "draft_order"):
                _copy_orders(env, seeds[kind], number, customers, tag)
            else:
                _copy_moves(env, seeds[kind], number, customers, tag, history=kind == "paid")
            say(
                f"  {company.name}: {number} copies of {kind} ({time.perf_counter() - start:.1f} s)"
            )
        company.credit_control_enabled = True
    env.invalidate_all()
    _assessments_and_events(env, customers[: max(count // 100, 5)], companies[0])
    env.cr.execute("ANALYZE")
    say(f"generated in {time.perf_counter() - start:.1f} s")


def _assessments_and_events(env, partner_ids, company):
    """Draft assessments and reported events for a sample of customers (the ORM: they open
    activities and credit files)."""
    partners = env["res.partner"].browse(partner_ids)
    env["credit.assessment"].create(
        [{"partner_id": p.id, "company_id": company.id, "requested_limit": 5000} for p in partners]
    )
    env["credit.event"].create(
        [
            {"name": f"Late payment of {p.name}", "partner_id": p.id, "company_id": company.id}
            for p in partners[::2]
        ]
    )


if "env" in globals():
    size = os.environ.get("CM_DATA_SIZE", "1k")
    generate(env, size)  # noqa: F821 -- given by odoo shell
    env.cr.commit()  # noqa: F821
