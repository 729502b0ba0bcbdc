"""Benchmark of the exposure service against a plain SQL GROUP BY (not a test: it prints figures).

Usage (from the repository root, on a database where credit_management is installed with a
chart of accounts, e.g. the one ``bin/cm serve`` creates):

    bin/cm odoo shell -d credit_bench --no-http < tests/benchmark_exposure.py

Environment: CM_BENCH_PARTNERS (default 20000), CM_BENCH_LINES (default 200000),
CM_BENCH_KEEP=1 to keep the generated data (it is rolled back otherwise).

The data: partners inserted in one statement, and open receivable lines cloned in SQL from the
receivable line of one posted customer invoice (each clone gets its partner, amount and due
date), so that 200,000 open items exist in seconds. The timings compare, for every customer:
  1. the plain SQL GROUP BY of the open receivable balance (the bar);
  2. credit.exposure._get_exposure for all partners (every bucket, limit, available credit);
  3. the "Over Credit Limit" search (the SQL behind the filter);
  4. Odoo's own res.partner.credit for all partners;
  5. the daily exposure snapshot of every customer (one INSERT ... SELECT, run 3 times: the
     first inserts, the others update the same rows);
  6. one batch (200 customers) of the daily overdue check: events, escalation activities and
     automatic holds are written per customer, so the cron time is this times the batches;
  7. the early-warning indicators of every customer (one query per indicator);
  8-9. the review scheduler: finding the customers due (two queries), then one batch of 100
     periodic assessments.
"""

import os
import sys
import time

from odoo import fields
from odoo.fields import Command
from odoo.tools import SQL

sys.path.insert(0, "tests")  # run from the repository root
import bench_data

env = env  # noqa: F821, PLW0127 -- provided by `odoo shell`
N_PARTNERS = int(os.environ.get("CM_BENCH_PARTNERS", "20000"))
N_LINES = int(os.environ.get("CM_BENCH_LINES", "200000"))
cr = env.cr


def timed(label, func, repeat=3):
    return bench_data.timed(env, label, func, repeat)


def clone(table, template_id, count, overrides):
    return bench_data.clone(env, table, template_id, count, overrides)


company = env.company
template_partner = env["res.partner"].create({"name": "Benchmark template", "is_company": True})
invoice = env["account.move"].create(
    {
        "move_type": "out_invoice",
        "partner_id": template_partner.id,
        "invoice_date": "2026-01-01",
        "invoice_line_ids": [
            Command.create({"name": "x", "quantity": 1, "price_unit": 100.0, "tax_ids": []})
        ],
    }
)
invoice.action_post()
template_line = invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
env.flush_all()

print(f"generating {N_PARTNERS} customers and {N_LINES} open receivable lines ...")
t0 = time.perf_counter()


partner_ids = clone(
    "res_partner",
    template_partner.id,
    N_PARTNERS,
    {
        "name": SQL("'Bench ' || n"),
        "complete_name": SQL("'Bench ' || n"),
        "credit_limit": SQL("jsonb_build_object(%s, mod(n, 50) * 100)", str(company.id)),
    },
)
cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [partner_ids])
amount = SQL("10 + mod(n, 90)")
clone(
    "account_move_line",
    template_line.id,
    N_LINES,
    {
        "partner_id": SQL("(%s::int[])[1 + mod(n, %s)]", partner_ids, len(partner_ids)),
        "amount_residual": amount,
        "amount_residual_currency": amount,
        "balance": amount,
        "debit": amount,
        "amount_currency": amount,
        "date_maturity": SQL("CURRENT_DATE - (mod(n, 120) - 60)"),
    },
)
cr.execute("ANALYZE account_move_line; ANALYZE res_partner;")
print(f"generated in {time.perf_counter() - t0:.1f} s")

partners = env["res.partner"].browse(partner_ids)
plain, _ = timed(
    "1. plain SQL GROUP BY (receivable balance per customer)",
    lambda: env.execute_query(
        SQL(
            """
            SELECT aml.partner_id, SUM(aml.amount_residual)
              FROM account_move_line aml
              JOIN account_account a ON a.id = aml.account_id
             WHERE a.account_type = 'asset_receivable' AND aml.parent_state = 'posted'
               AND aml.reconciled IS NOT TRUE AND aml.company_id = %s
          GROUP BY aml.partner_id
            """,
            company.id,
        )
    ),
)
ours, exposure = timed(
    "2. credit.exposure for every customer (all buckets)",
    lambda: env["credit.exposure"]._get_exposure(partners, company),
)
fields_time, _ = timed(
    "2b. partner fields (exposure, over limit) of every customer",
    lambda: partners.read(["credit_exposure", "credit_over_limit"]),
    1,
)
search, over = timed(
    "3. 'Over Credit Limit' filter (search)",
    lambda: env["res.partner"].search([("credit_over_limit", "=", True)]),
)
core, _ = timed(
    "4. Odoo's res.partner.credit for every customer", lambda: partners.mapped("credit"), 1
)
today = fields.Date.context_today(env.user)
snapshot, rows = timed(
    "5. exposure snapshot cron statement (every customer, one INSERT)",
    lambda: env["credit.exposure.snapshot"].sudo()._snapshot_company(company, today),
)
company.credit_overdue_grace_days = 0
Overdue = env["credit.monitoring.overdue"].sudo()
start, queries = time.perf_counter(), cr.sql_log_count
batch = Overdue._cron_overdue_check(batch_size=200)
overdue_time, overdue_queries = time.perf_counter() - start, cr.sql_log_count - queries
work, _close, _events = Overdue._overdue_work(company)
print(
    f"{'6. overdue check, one batch of ' + str(batch) + ' customers':<58} {overdue_time:8.3f} s"
    f" ({overdue_queries} queries; {len(work)} customers left for the next batches)"
)
signals, flagged = timed(
    "7. early warning: the six indicators of every customer",
    lambda: env["credit.monitoring.early_warning"].sudo()._early_warning_signals(company),
    1,
)
partners.with_company(company).write({"credit_next_review_date": today})
Review = env["credit.monitoring.review"].sudo()
due, to_review = timed(
    "8. review scheduler: customers due for review",
    lambda: Review._reviews_to_schedule(company),
    1,
)
start = time.perf_counter()
scheduled = Review._cron_review_scheduler(batch_size=100)
print(
    f"{'9. review scheduler, one batch of ' + str(scheduled) + ' assessments':<58}"
    f" {time.perf_counter() - start:8.3f} s ({len(to_review) - scheduled} customers left)"
)
print(f"customers with early-warning signals: {len(flagged)}")
print(f"customers: {len(exposure)}, over limit: {len(over)}, snapshot rows: {rows}")
print(
    f"exposure service / plain SQL: {ours / plain:.2f}x;"
    f" partner fields / plain SQL: {fields_time / plain:.2f}x;"
    f" filter / plain SQL: {search / plain:.2f}x;"
    f" Odoo credit / plain SQL: {core / plain:.2f}x; snapshot / plain SQL: {snapshot / plain:.2f}x"
)

if os.environ.get("CM_BENCH_KEEP") == "1":
    cr.commit()
else:
    cr.rollback()
