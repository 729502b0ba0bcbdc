"""How the credit crons work through their companies in batches (Odoo's cron progress API).

Each cron call handles at most ``batch_size`` items and tells the runner how many remain; the
runner commits and calls again while work remains. Work is whatever is still to do now, read
from the database, so a run killed midway resumes where it stopped and a second run finds
nothing."""


def run_in_batches(env, work, process, batch_size):
    """For every company with credit control on, in id order: ``work(company)`` lists what is
    to do, ``process(company, items)`` does the items of this batch. Returns the number done."""
    companies = (
        env["res.company"].sudo().search([("credit_control_enabled", "=", True)], order="id")
    )
    done = remaining = 0
    for company in companies:
        items = work(company)
        batch = items[: max(batch_size - done, 0)]
        if batch:
            process(company, batch)
        done += len(batch)
        remaining += len(items) - len(batch)
    env["ir.cron"]._notify_progress(done=done, remaining=remaining)
    return done
