"""Benchmark of the credit check on order confirmation (not a test: it prints figures).

Usage (from the repository root, on a database where credit_management is installed with a
chart of accounts, e.g. the one ``bin/cm serve`` creates):

    bin/cm odoo shell -d credit_demo --no-http < tests/benchmark_order_check.py

Environment: CM_BENCH_LINES (open receivable lines of the customer, default 20000),
CM_BENCH_ORDERS (its confirmed, uninvoiced orders, default 2000), CM_BENCH_RUNS (default 20).
Everything is rolled back at the end.

One customer gets a large history (receivable lines and confirmed order lines cloned in SQL
from one real invoice and one real order), then quotations of that customer are confirmed
with ``action_confirm``: with credit control off (Odoo's own confirmation) and on (the
decision, the lock of the customer, then the same confirmation). The script prints the median
time and the number of queries of each.
"""

import os
import statistics
import sys
import time

from odoo.fields import Command
from odoo.tools import SQL

sys.path.insert(0, "tests")  # run from the repository root
import bench_data

env = env  # noqa: F821, PLW0127 -- provided by `odoo shell`
N_LINES = int(os.environ.get("CM_BENCH_LINES", "20000"))
N_ORDERS = int(os.environ.get("CM_BENCH_ORDERS", "2000"))
RUNS = int(os.environ.get("CM_BENCH_RUNS", "20"))
cr = env.cr
company = env.company
# the customer is checked against its limit only (no assessment needed for this measure)
company.write(
    {
        "credit_control_enabled": True,
        "credit_include_uninvoiced_orders": True,
        "credit_new_customer_rule": "off",
    }
)
# OCA's sale_financial_risk, when installed beside ours: its check runs unless bypassed
OCA = "risk_total" in env["res.partner"]._fields
if OCA:
    company.allow_overrisk_sale_confirmation = False

customer = env["res.partner"].create(
    {"name": "Benchmark big customer", "is_company": True, "credit_limit": 1e12}
)
if OCA:
    customer.write(
        {
            "risk_invoice_open_include": True,
            "risk_invoice_unpaid_include": True,
            "risk_sale_order_include": True,
        }
    )
product = env["product.product"].create(
    {"name": "Benchmark product", "type": "service", "list_price": 10.0, "taxes_id": []}
)
invoice = env["account.move"].create(
    {
        "move_type": "out_invoice",
        "partner_id": customer.id,
        "invoice_date": "2026-01-01",
        "invoice_line_ids": [
            Command.create({"name": "x", "quantity": 1, "price_unit": 100.0, "tax_ids": []})
        ],
    }
)
invoice.action_post()
receivable = invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")


def quotation():
    return env["sale.order"].create(
        {
            "partner_id": customer.id,
            "order_line": [
                Command.create({"product_id": product.id, "price_unit": 10.0, "tax_id": []})
            ],
        }
    )


template_order = quotation()
template_order.action_confirm()
env.flush_all()

print(f"generating {N_LINES} open receivable lines and {N_ORDERS} confirmed orders ...")
t0 = time.perf_counter()
bench_data.clone(env, "account_move_line", receivable.id, N_LINES, {})
order_ids = bench_data.clone(env, "sale_order", template_order.id, N_ORDERS, {})
bench_data.clone(
    env,
    "sale_order_line",
    template_order.order_line.id,
    N_ORDERS,
    {"order_id": SQL("(%s::int[])[n]", order_ids)},
)
cr.execute("ANALYZE account_move_line; ANALYZE sale_order; ANALYZE sale_order_line;")
print(f"generated in {time.perf_counter() - t0:.1f} s")
exposure = env["credit.exposure"]._get_exposure(customer, company)[customer.id]
print(
    f"customer exposure: receivable {exposure['receivable_not_due'] + exposure['overdue']:.2f},"
    f" uninvoiced orders {exposure['uninvoiced_orders']:.2f}"
)


def measure(ours, oca=False):
    company.credit_control_enabled = ours
    # OCA's own way to skip its check
    context = {} if oca else {"bypass_risk": True}
    times, queries = [], []
    for _ in range(RUNS):
        order = quotation()
        env.flush_all()
        env.invalidate_all()
        before = cr.sql_log_count
        start = time.perf_counter()
        order.with_context(**context).action_confirm()
        env.flush_all()
        times.append(time.perf_counter() - start)
        queries.append(cr.sql_log_count - before)
        assert order.state == "sale", order.credit_hold_message
    return statistics.median(times), statistics.median(queries)


measure(True)  # warm-up
off, off_queries = measure(False)
on, on_queries = measure(True)
print(f"{'action_confirm, no credit check':<58} {off * 1000:8.1f} ms {off_queries:5.0f} queries")
print(f"{'action_confirm with our check':<58} {on * 1000:8.1f} ms {on_queries:5.0f} queries")
print(
    f"our check: +{(on - off) * 1000:.1f} ms, +{on_queries - off_queries:.0f} queries per"
    " confirmation (target +10 ms)"
)
if OCA:
    measure(False, oca=True)  # warm-up
    oca, oca_queries = measure(False, oca=True)
    print(f"{'action_confirm with OCA check':<58} {oca * 1000:8.1f} ms {oca_queries:5.0f} queries")
    print(f"OCA's check: +{(oca - off) * 1000:.1f} ms, +{oca_queries - off_queries:.0f} queries")
cr.rollback()
