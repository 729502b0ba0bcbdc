"""Side-by-side benchmark (not a test: it prints figures): a plain SQL floor, Odoo's native
fields, OCA's ``account_financial_risk`` + ``sale_financial_risk`` and ours, on one database of
generated data. ``bin/cm bench SIZE`` builds the database (our add-ons, OCA's from their PyPI
wheels, ``data/generate.py``) and runs this script in ``odoo shell``; everything it changes is
rolled back.

First it checks that the implementations agree where their definitions overlap and prints
the differences it finds; then it times, for each figure, every implementation that has it
(best of three runs on a cold ORM cache; one run for the slow ones) and prints the ratio to the
SQL floor. The crons are ours only: neither Odoo nor OCA has them.
"""

import json
import os
import time
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tools import SQL

env = env  # noqa: F821, PLW0127 -- provided by `odoo shell`
cr = env.cr
company = env.ref("base.main_company")
env = env(context=dict(env.context, allowed_company_ids=[company.id]))
Partner = env["res.partner"].with_company(company)
OCA = "risk_total" in Partner._fields
OCA_FIELDS = [
    "risk_invoice_open",
    "risk_invoice_unpaid",
    "risk_account_amount",
    "risk_account_amount_unpaid",
    "risk_invoice_draft",
    "risk_sale_order",
    "risk_total",
    "risk_exception",
]
SLOW = float(os.environ.get("CM_BENCH_SLOW", "1"))  # 0: skip OCA's and Odoo's slow reads
today = fields.Date.context_today(env.user)
results = []
# the real clock, kept before freezegun (the next day's crons) replaces time's functions
clock = time.perf_counter


def timed(label, func, repeat=3):
    """Best time of ``func`` over ``repeat`` runs on a cold cache, with its query count."""
    best = queries = result = None
    for _ in range(repeat):
        env.invalidate_all()
        before = cr.sql_log_count
        start = clock()
        result = func()
        elapsed = clock() - start
        if best is None or elapsed < best:
            best, queries = elapsed, cr.sql_log_count - before
    return best, queries, result


def row(figure, impl, seconds, queries, floor, note=""):
    results.append((figure, impl, seconds, queries, floor, note))
    ratio = f"{seconds / floor:7.1f}x" if floor and seconds is not None else " " * 8
    shown = "n/a" if seconds is None else f"{seconds * 1000:10.1f} ms"
    print(f"{figure:<34} {impl:<22} {shown:>13} {queries or '':>7} {ratio} {note}")


def header(title):
    print(
        f"\n{title}\n{'figure':<34} {'implementation':<22} {'time':>13} {'queries':>7} {'ratio':>8}"
    )


if OCA:
    # OCA counts a bucket in its total only when the customer includes it: as ours counts them
    cr.execute(
        """UPDATE res_partner SET risk_invoice_draft_include = TRUE,
                  risk_invoice_open_include = TRUE, risk_invoice_unpaid_include = TRUE,
                  risk_account_amount_include = TRUE, risk_account_amount_unpaid_include = TRUE,
                  risk_sale_order_include = TRUE
            WHERE customer_rank > 0"""
    )
    # the generator copies order lines in SQL: OCA's stored computes on them (the commercial
    # partner and the amount at risk) are run once here, by OCA's own code, and kept
    stale = env["sale.order.line"].search([("state", "=", "sale"), ("risk_amount", "=", 0)])
    if stale:
        print(f"computing OCA's risk_amount and risk_partner_id of {len(stale)} order lines ...")
        for fname in ("risk_partner_id", "risk_amount"):
            env.add_to_compute(stale._fields[fname], stale)
        stale.flush_recordset()
        cr.commit()
customers = Partner.search([("customer_rank", ">", 0), ("is_company", "=", True)], order="id")
ids = customers.ids
print(
    f"{len(ids)} customers in {company.name};"
    f" OCA's modules {'installed' if OCA else 'NOT installed: their columns are empty'}"
)
floor_receivable = SQL(
    """
    SELECT aml.partner_id, SUM(aml.amount_residual) AS balance,
           SUM(aml.amount_residual) FILTER (WHERE aml.date_maturity < %(today)s
                                              AND aml.amount_residual > 0) AS overdue
      FROM account_move_line aml
      JOIN account_account a ON a.id = aml.account_id
     WHERE a.account_type = 'asset_receivable' AND aml.parent_state = 'posted'
       AND aml.reconciled IS NOT TRUE AND aml.company_id = %(company)s
       AND %(partners)s
  GROUP BY aml.partner_id
    """,
    today=today,
    company=company.id,
    partners=SQL("TRUE"),
)


def floor_for(partner_ids=None):
    return SQL(
        """
        SELECT aml.partner_id, SUM(aml.amount_residual)
          FROM account_move_line aml
          JOIN account_account a ON a.id = aml.account_id
         WHERE a.account_type = 'asset_receivable' AND aml.parent_state = 'posted'
           AND aml.reconciled IS NOT TRUE AND aml.company_id = %s AND %s
      GROUP BY aml.partner_id
        """,
        company.id,
        SQL("TRUE") if partner_ids is None else SQL("aml.partner_id = ANY(%s)", partner_ids),
    )


floor_buckets = [
    floor_for(),
    SQL(
        """SELECT am.partner_id, SUM(am.amount_total_signed) FROM account_move am
            WHERE am.state = 'draft' AND am.move_type IN ('out_invoice', 'out_refund')
              AND am.company_id = %s GROUP BY am.partner_id""",
        company.id,
    ),
    SQL(
        """SELECT so.partner_invoice_id, SUM(sol.price_total / sol.product_uom_qty
                  * (sol.product_uom_qty - sol.qty_invoiced))
             FROM sale_order_line sol JOIN sale_order so ON so.id = sol.order_id
            WHERE so.state = 'sale' AND sol.product_uom_qty > 0 AND so.company_id = %s
         GROUP BY so.partner_invoice_id""",
        company.id,
    ),
]

# ---------------------------------------------------------------------------------------------
# Agreement where the definitions overlap
# ---------------------------------------------------------------------------------------------
print("\nAgreement (customers whose figures differ by more than 0.01):")
sql = {
    pid: (balance, overdue or 0.0) for pid, balance, overdue in env.execute_query(floor_receivable)
}
ours = env["credit.exposure"]._get_exposure(customers, company)
env.invalidate_all()
fields_read = {r["id"]: r for r in customers.read(["credit_exposure", "credit_overdue_amount"])}
odoo = {r["id"]: r["credit"] for r in customers.read(["credit"])} if SLOW else {}
oca = {r["id"]: r for r in customers.read(OCA_FIELDS)} if OCA and SLOW else {}


def differ(name, left, right):
    bad = [pid for pid in ids if abs((left(pid) or 0.0) - (right(pid) or 0.0)) > 0.01]
    examples = ", ".join(f"{pid}: {left(pid):.2f} vs {right(pid):.2f}" for pid in bad[:3])
    print(f"  {name:<70} {len(bad):>6} {examples}")
    return len(bad)


def receivable(pid):
    e = ours[pid]
    return e["receivable_not_due"] + e["overdue"] + e["unapplied_credits"]


differ("open receivable: ours vs plain SQL", receivable, lambda p: sql.get(p, (0, 0))[0])
differ("overdue: ours vs plain SQL", lambda p: ours[p]["overdue"], lambda p: sql.get(p, (0, 0))[1])
differ(
    "exposure: our partner field vs our service",
    lambda p: fields_read[p]["credit_exposure"],
    lambda p: ours[p]["total"],
)
if odoo:
    differ("open receivable: ours vs Odoo's credit", receivable, odoo.get)
if oca:
    # OCA's definition in SQL: an item in another currency than the company's has its
    # company-currency residual converted once more, from that currency, at today's rate;
    # "unpaid" is every item past due, credits included
    factors = env["credit.exposure"]._currency_factors(company, today)
    oca_sql = {
        pid: (open_, unpaid)
        for pid, open_, unpaid in env.execute_query(
            SQL(
                """
                SELECT aml.partner_id,
                       SUM(CASE WHEN aml.currency_id = %(currency)s THEN aml.amount_residual
                                ELSE aml.amount_residual * f.factor END),
                       SUM(CASE WHEN aml.currency_id = %(currency)s THEN aml.amount_residual
                                ELSE aml.amount_residual * f.factor END)
                           FILTER (WHERE COALESCE(aml.date_maturity, aml.date) < %(today)s)
                  FROM account_move_line aml
                  JOIN account_account a ON a.id = aml.account_id
                  JOIN (%(factors)s) AS f(currency_id, factor) ON f.currency_id = aml.currency_id
                 WHERE a.account_type = 'asset_receivable' AND aml.parent_state = 'posted'
                   AND aml.reconciled IS NOT TRUE AND aml.company_id = %(company)s
              GROUP BY aml.partner_id
                """,
                currency=company.currency_id.id,
                today=today,
                factors=factors,
                company=company.id,
            )
        )
    }
    differ(
        "open receivable: OCA vs plain SQL of OCA's definition",
        lambda p: sum(oca[p][f] for f in OCA_FIELDS[:4]),
        lambda p: oca_sql.get(p, (0, 0))[0],
    )
    differ(
        "unpaid: OCA vs plain SQL of OCA's definition",
        lambda p: oca[p]["risk_invoice_unpaid"] + oca[p]["risk_account_amount_unpaid"],
        lambda p: oca_sql.get(p, (0, 0))[1] or 0.0,
    )
    differ(
        "open receivable: ours vs OCA (OCA converts foreign items twice)",
        receivable,
        lambda p: sum(oca[p][f] for f in OCA_FIELDS[:4]),
    )
    differ(
        "draft invoices: ours vs OCA risk_invoice_draft",
        lambda p: ours[p]["draft_invoices"],
        lambda p: oca[p]["risk_invoice_draft"],
    )
    differ(
        "uninvoiced orders: ours vs OCA risk_sale_order",
        lambda p: ours[p]["uninvoiced_orders"],
        lambda p: oca[p]["risk_sale_order"],
    )
    differ(
        "exposure: ours vs OCA risk_total (the receivable as above)",
        lambda p: ours[p]["total"],
        lambda p: oca[p]["risk_total"],
    )

# ---------------------------------------------------------------------------------------------
# Every customer
# ---------------------------------------------------------------------------------------------
header(f"Every customer ({len(ids)})")
floor, q, _ = timed("", lambda: env.execute_query(floor_for()))
row("exposure of every customer", "plain SQL (receivable)", floor, q, floor)
all_floor, q, _ = timed("", lambda: [env.execute_query(query) for query in floor_buckets])
row("", "plain SQL (all buckets)", all_floor, q, floor)
if SLOW:
    t, q, _ = timed("", lambda: customers.read(["credit", "credit_to_invoice"]), 1)
    row("", "Odoo credit+to_invoice", t, q, floor)
if OCA and SLOW:
    t, q, _ = timed("", lambda: customers.read(OCA_FIELDS), 1)
    row("", "OCA risk fields", t, q, floor)
t, q, _ = timed("", lambda: env["credit.exposure"]._get_exposure(customers, company))
row("", "ours: service", t, q, floor, f"{t / all_floor:.1f}x all buckets")
t, q, _ = timed("", lambda: customers.read(["credit_exposure", "credit_over_limit"]))
row("", "ours: partner fields", t, q, floor, f"{t / all_floor:.1f}x all buckets")

limit_sql = Partner._field_to_sql("p", "credit_limit")
over_floor, q, over_sql = timed(
    "",
    lambda: env.execute_query(
        SQL(
            "SELECT b.partner_id FROM (%s) b(partner_id, balance) JOIN res_partner p"
            " ON p.id = b.partner_id WHERE %s > 0 AND b.balance > %s",
            floor_for(),
            limit_sql,
            limit_sql,
        )
    ),
)
row("'over limit' search", "plain SQL", over_floor, q, over_floor, f"{len(over_sql)} found")
if OCA and SLOW:
    t, q, found = timed("", lambda: Partner.search([("risk_exception", "=", True)]), 1)
    row("", "OCA risk_exception", t, q, over_floor, f"{len(found)} found")
t, q, found = timed("", lambda: Partner.search([("credit_over_limit", "=", True)]))
row("", "ours", t, q, over_floor, f"{len(found)} found")

due_floor, q, due_sql = timed(
    "",
    lambda: env.execute_query(
        SQL(
            """SELECT aml.partner_id FROM account_move_line aml
                 JOIN account_account a ON a.id = aml.account_id
                WHERE a.account_type = 'asset_receivable' AND aml.parent_state = 'posted'
                  AND aml.reconciled IS NOT TRUE AND aml.company_id = %s
                  AND aml.date_maturity < %s AND aml.amount_residual > 0
             GROUP BY aml.partner_id""",
            company.id,
            today,
        )
    ),
)
row("'overdue' search", "plain SQL", due_floor, q, due_floor, f"{len(due_sql)} found")
row("", "OCA", None, None, None, "no search on overdue")
t, q, found = timed("", lambda: Partner.search([("credit_is_overdue", "=", True)]))
row("", "ours (beyond grace, net)", t, q, due_floor, f"{len(found)} found")

# ---------------------------------------------------------------------------------------------
# A page of 80 customers, one customer with thousands of open invoices
# ---------------------------------------------------------------------------------------------
header("A list page, one big customer")
page = Partner.search([("customer_rank", ">", 0)], order="name", limit=80)
list_fields = ["display_name", "credit_limit", "credit_exposure", "credit_available"]
page_floor, q, _ = timed("", lambda: env.execute_query(floor_for(page.ids)))
row("a page of 80 customers", "plain SQL", page_floor, q, page_floor)
t, q, _ = timed("", lambda: page.read(["display_name", "credit", "credit_to_invoice"]))
row("", "Odoo credit+to_invoice", t, q, page_floor)
if OCA:
    t, q, _ = timed("", lambda: page.read(["display_name", "risk_total", "risk_exception"]))
    row("", "OCA", t, q, page_floor)
t, q, _ = timed("", lambda: page.read([*list_fields, "credit_over_limit"]))
row("", "ours", t, q, page_floor, "target < 30 ms, fixed queries")

big = customers[0]
line = env["account.move.line"].search(
    [
        ("partner_id", "=", big.id),
        ("account_type", "=", "asset_receivable"),
        ("reconciled", "=", False),
    ],
    limit=1,
)
columns = [
    c
    for (c,) in env.execute_query(
        SQL(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = 'account_move_line' AND column_name != 'id'"
        )
    )
]
cr.execute(
    SQL(
        "INSERT INTO account_move_line (%s) SELECT %s FROM account_move_line t,"
        " generate_series(1, 2500) n WHERE t.id = %s",
        SQL(", ").join(SQL.identifier(c) for c in columns),
        SQL(", ").join(SQL.identifier("t", c) for c in columns),
        line.id,
    )
)
cr.execute("ANALYZE account_move_line")
open_lines = env.execute_query(
    SQL(
        "SELECT COUNT(*) FROM account_move_line WHERE partner_id = %s AND reconciled IS NOT TRUE"
        " AND amount_residual != 0",
        big.id,
    )
)[0][0]
big_floor, q, _ = timed("", lambda: env.execute_query(floor_for(big.ids)))
row(f"one customer, {open_lines} open lines", "plain SQL", big_floor, q, big_floor)
t, q, _ = timed("", lambda: big.read(["credit", "credit_to_invoice"]))
row("", "Odoo credit+to_invoice", t, q, big_floor)
if OCA:
    t, q, _ = timed("", lambda: big.read(OCA_FIELDS))
    row("", "OCA risk fields", t, q, big_floor)
t, q, _ = timed("", lambda: env["credit.exposure"]._get_exposure(big, company))
row("", "ours: service", t, q, big_floor, "target 3x")
t, q, _ = timed("", lambda: big.read(["credit_exposure", "credit_over_limit"]))
row("", "ours: partner fields", t, q, big_floor, "target 3x")

# ---------------------------------------------------------------------------------------------
# Every cron, run to the end (ours only: Odoo and OCA have none)
# ---------------------------------------------------------------------------------------------
header("Crons, run until nothing is left (ours)")
env = env(user=env.ref("base.user_root").id)  # as the cron runner
CRONS = (
    ("overdue check", "credit.monitoring.overdue", "_cron_overdue_check"),
    ("review scheduler", "credit.monitoring.review", "_cron_review_scheduler"),
    ("exposure snapshot", "credit.monitoring.snapshot", "_cron_snapshot"),
    ("early warning", "credit.monitoring.early_warning", "_cron_early_warning"),
)


def run_crons(day):
    total = 0.0
    for label, model, method in CRONS:
        start, before = clock(), cr.sql_log_count
        done = env[model].sudo()._run_until_done(method)
        env.flush_all()
        elapsed = clock() - start
        total += elapsed
        row(f"{label} ({day})", "ours", elapsed, cr.sql_log_count - before, None, f"{done} items")
    row(f"the four together ({day})", "ours", total, None, None, "target 60 s at 100k")


# the first run does everything (events, holds, reviews, warnings of every customer at once);
# the next day's run brings them up to date
run_crons("first run")
with freeze_time(today + timedelta(days=1)):
    env.invalidate_all()
    run_crons("next day")
cr.rollback()

# ---------------------------------------------------------------------------------------------
# Growth: this size against the others measured before (bin/cm bench keeps each size's figures)
# ---------------------------------------------------------------------------------------------
RESULTS = os.environ.get("CM_BENCH_RESULTS")
if RESULTS:
    figures, previous = {}, None
    for figure, impl, seconds, _queries, _floor, _note in results:
        previous = figure or previous
        if seconds is not None:
            figures[f"{previous} | {impl}"] = seconds
    figures["customers"] = len(ids)
    with open(RESULTS, "w", encoding="utf-8") as file:
        json.dump(figures, file, indent=1)
    folder = os.path.dirname(RESULTS)
    others = sorted(
        name
        for name in os.listdir(folder)
        if name.endswith(".json") and name != os.path.basename(RESULTS)
    )
    sizes = {}
    for name in others + [os.path.basename(RESULTS)]:
        with open(os.path.join(folder, name), encoding="utf-8") as file:
            data = json.load(file)
        sizes[data["customers"]] = data
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        print(f"\nGrowth from {small} to {large} customers ({large / small:.1f}x the data)")
        for key, seconds in sizes[large].items():
            if key != "customers" and sizes[small].get(key):
                print(f"{key:<70} {seconds / sizes[small][key]:6.1f}x")
