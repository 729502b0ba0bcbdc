"""Benchmark of the receivable aging XLSX (not a test: it prints figures).

    bin/cm odoo shell -d cm_bench_100k --no-http < tests/benchmark_aging.py

Builds the aging of every customer of the main company, today and as of 90 days ago, and
prints the time, the rows, the file size and the peak memory (RSS) of the process before and
after: xlsxwriter writes in constant memory, so the peak grows with the rows kept in Python,
not with the workbook.
"""

import resource
import time
from datetime import timedelta

from odoo import fields

env = env  # noqa: F821, PLW0127 -- provided by `odoo shell`
company = env.ref("base.main_company")
Wizard = env["credit.report.wizard"].with_company(company)


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


today = fields.Date.context_today(env.user)
for label, date in (("today", today), ("as of 90 days ago", today - timedelta(days=90))):
    wizard = Wizard.create({"company_id": company.id, "date": date})
    before = peak_mb()
    start = time.perf_counter()
    rows = wizard._aging_rows()
    rows_time = time.perf_counter() - start
    content = wizard._aging_xlsx()
    total = time.perf_counter() - start
    print(
        f"aging {label:<18} {len(rows):>7} customers: figures {rows_time:6.1f} s,"
        f" with the XLSX {total:6.1f} s, {len(content) / 1e6:5.1f} MB;"
        f" peak RSS {before:7.0f} -> {peak_mb():7.0f} MB"
    )
env.cr.rollback()
