"""Soak test (not part of the test run: ``bin/cm soak [SECONDS]`` starts the server and runs it).

Against an Odoo server in prefork mode (several HTTP workers, two cron workers) on loopback,
for a fixed time:

* N salespeople (each an Odoo user with an HTTP session of their own) confirm quotations for
  the same few customers over JSON-RPC, as fast as the server answers;
* finance presses the monitoring crons' Run Now buttons while the cron workers run the same
  crons on their schedule (every minute);

then it checks what must hold whatever the interleaving:

* no customer has more confirmed orders than its credit limit (the rest were held);
* no customer has two open overdue events, two snapshots of one day or two open periodic
  reviews (two runs of a cron never do the same work twice);
* the server log has no ERROR or CRITICAL line (PostgreSQL serialization failures that Odoo
  retried are logged at INFO and counted here);

and prints the throughput and the latency percentiles of the confirmations. Exit status 1 when
a check fails.
"""

import argparse
import random
import re
import statistics
import sys
import threading
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from conftest import OdooClient, RpcError

CRONS = (
    "ir_cron_credit_overdue_check",
    "ir_cron_credit_review_scheduler",
    "ir_cron_credit_early_warning",
    "ir_cron_credit_exposure_snapshot",
)
RUN_NOW = (
    "action_credit_run_overdue_check",
    "action_credit_run_review_scheduler",
    "action_credit_run_early_warning",
    "action_credit_run_snapshot",
)
LIMIT = 50_000.0


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def prepare(admin, salespeople, customers):
    """Customers with a limit, late payers for the crons, salespeople with their sessions."""
    company = admin.ref("base.main_company")
    admin.execute(
        "res.company",
        "write",
        [company],
        {
            "credit_control_enabled": True,
            "credit_new_customer_rule": "off",
            "credit_include_uninvoiced_orders": True,
            "credit_overdue_grace_days": 0,
        },
    )
    reason = {"credit_change_reason": "Soak test"}
    customer_ids = admin.execute(
        "res.partner",
        "create",
        [
            {"name": f"Soak customer {i}", "is_company": True, "credit_limit": LIMIT}
            for i in range(customers)
        ],
        context=reason,
    )
    late_ids = admin.execute(
        "res.partner",
        "create",
        [{"name": f"Soak late payer {i}", "is_company": True} for i in range(20)],
        context=reason,
    )
    admin.execute(
        "res.partner",
        "write",
        late_ids,
        {"credit_next_review_date": str(date.today())},
        context=reason,
    )
    long_ago = str(date.today() - timedelta(days=120))
    invoices = admin.execute(
        "account.move",
        "create",
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner_id,
                "invoice_date": long_ago,
                "invoice_date_due": long_ago,
                "invoice_line_ids": [
                    (0, 0, {"name": "Soak", "quantity": 1, "price_unit": 100.0, "tax_ids": []})
                ],
            }
            for partner_id in late_ids
        ],
    )
    admin.execute("account.move", "action_post", invoices)
    product = admin.execute(
        "product.product",
        "create",
        {"name": "Soak service", "type": "service", "list_price": 100.0, "taxes_id": []},
    )
    group = admin.ref("sales_team.group_sale_salesman_all_leads")
    logins = []
    for i in range(salespeople):
        login = f"soak_sales_{i}"
        admin.execute(
            "res.users",
            "create",
            {
                "name": f"Soak salesperson {i}",
                "login": login,
                "password": login,
                "groups_id": [(4, group)],
            },
        )
        logins.append(login)
    cron_ids = [admin.ref(f"credit_management.{xmlid}") for xmlid in CRONS]
    admin.execute(
        "ir.cron",
        "write",
        cron_ids,
        {
            "interval_number": 1,
            "interval_type": "minutes",
            "nextcall": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
        },
    )
    return company, customer_ids, product, logins


def salesperson_loop(client, customer_ids, product, deadline, results):
    rng = random.Random(client.uid)
    while time.monotonic() < deadline:
        partner_id = rng.choice(customer_ids)
        amount = rng.choice((400.0, 900.0, 1500.0))
        try:
            order = client.execute(
                "sale.order",
                "create",
                {
                    "partner_id": partner_id,
                    "order_line": [
                        (
                            0,
                            0,
                            {"product_id": product, "price_unit": amount, "tax_id": [(6, 0, [])]},
                        )
                    ],
                },
            )
            start = time.perf_counter()
            answer = client.execute("sale.order", "action_confirm", [order])
            elapsed = time.perf_counter() - start
        except (RpcError, OSError) as error:
            results["errors"].append(f"{type(error).__name__}: {error}")
            continue
        held = isinstance(answer, dict) and answer.get("tag") == "display_notification"
        results["latency"].append(elapsed)
        results["held" if held else "confirmed"] += 1


def finance_loop(admin, company, deadline, results):
    while time.monotonic() < deadline:
        for method in RUN_NOW:
            try:
                admin.execute("res.company", method, [company])
                results["run_now"] += 1
            except (RpcError, OSError) as error:
                results["errors"].append(f"Run Now {method}: {error}")
        time.sleep(1)


def check(admin, customer_ids, log_path):
    failures = []
    orders = admin.execute(
        "sale.order",
        "read_group",
        [("partner_id", "in", customer_ids), ("state", "=", "sale")],
        ["amount_total:sum"],
        ["partner_id"],
        lazy=False,
    )
    for group in orders:
        if group["amount_total"] > LIMIT + 0.01:
            failures.append(
                f"{group['partner_id'][1]}: {group['amount_total']:.2f} confirmed over a limit"
                f" of {LIMIT:.2f}"
            )
    for model, domain, keys, what in (
        (
            "credit.event",
            [("origin", "=", "overdue_check"), ("state", "!=", "resolved")],
            ["partner_id"],
            "open overdue events",
        ),
        ("credit.exposure.snapshot", [], ["partner_id", "date:day", "company_id"], "snapshots"),
        (
            "credit.assessment",
            [
                ("type", "in", ("periodic", "monitoring")),
                ("state", "in", ("draft", "submitted", "review")),
            ],
            ["partner_id"],
            "open periodic reviews",
        ),
    ):
        groups = admin.execute(model, "read_group", domain, ["__count"], keys, lazy=False)
        twice = [g for g in groups if g["__count"] > 1]
        if twice:
            failures.append(f"{len(twice)} customers with duplicate {what}: {twice[:3]}")
    log = Path(log_path).read_text(encoding="utf-8", errors="replace")
    bad = re.findall(r"^\S+ \S+ \d+ (?:ERROR|CRITICAL) .*$", log, re.MULTILINE)
    if bad:
        failures.append(f"{len(bad)} ERROR/CRITICAL lines in the log, first: {bad[0]}")
    retries = len(re.findall(r"SERIALIZATION_FAILURE|LOCK_NOT_AVAILABLE|DEADLOCK_DETECTED", log))
    warnings = re.findall(r"^\S+ \S+ \d+ WARNING .*$", log, re.MULTILINE)
    return failures, retries, warnings, orders


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--log", required=True, help="the server's log file")
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--salespeople", type=int, default=6)
    parser.add_argument("--customers", type=int, default=4)
    args = parser.parse_args()

    admin = OdooClient(args.url, args.db, "admin", "admin")
    company, customer_ids, product, logins = prepare(admin, args.salespeople, args.customers)
    clients = [OdooClient(args.url, args.db, login, login) for login in logins]
    results = {"latency": [], "errors": [], "run_now": 0}
    results.update(Counter(held=0, confirmed=0))
    deadline = time.monotonic() + args.seconds
    threads = [
        threading.Thread(
            target=salesperson_loop, args=(client, customer_ids, product, deadline, results)
        )
        for client in clients
    ]
    finance = OdooClient(args.url, args.db, "admin", "admin")
    threads.append(
        threading.Thread(target=finance_loop, args=(finance, company, deadline, results))
    )
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started

    failures, retries, warnings, orders = check(admin, customer_ids, args.log)
    failures += [f"RPC error: {e}" for e in results["errors"][:5]]
    latency = [s * 1000 for s in results["latency"]]
    print(
        f"soak: {args.salespeople} salespeople, {args.customers} customers, {wall:.0f} s,"
        f" prefork workers with 2 cron workers"
    )
    print(
        f"  confirmations: {len(latency)} ({results['confirmed']} confirmed,"
        f" {results['held']} held), {len(latency) / wall:.1f} per second"
    )
    if latency:
        print(
            f"  latency ms: p50 {statistics.median(latency):.0f},"
            f" p90 {percentile(latency, 90):.0f}, p99 {percentile(latency, 99):.0f},"
            f" max {max(latency):.0f}"
        )
    print(f"  Run Now presses: {results['run_now']}; serialization retries in the log: {retries}")
    for group in orders:
        print(
            f"  {group['partner_id'][1]}: {group['amount_total']:.2f} confirmed (limit {LIMIT:.2f})"
        )
    print(
        f"  WARNING lines in the log: {len(warnings)}"
        + (f", first: {warnings[0]}" if warnings else "")
    )
    for failure in failures:
        print(f"  FAILED: {failure}")
    print("soak: " + ("FAILED" if failures else "clean"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
