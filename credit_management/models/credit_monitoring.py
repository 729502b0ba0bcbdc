import zlib

from odoo import api, models
from odoo.tools import SQL

from .credit_guarded import credit_workflow


class CreditMonitoring(models.AbstractModel):
    """The monitoring crons (P3.3, P4.2, P5.1.2): each reads the exposure and the payment
    history of every company with credit control and writes events, activities, snapshots or
    review tasks. Each cron lives in a file of its own (``credit_monitoring_<cron>.py``) and
    works in batches through :meth:`_run_in_batches`.

    A cron's work is whatever is still to do now, read from the database: a run killed midway
    resumes where it stopped, and a second run finds nothing to do."""

    _name = "credit.monitoring"
    _description = "Credit Monitoring"

    @api.model
    def _monitored_companies(self):
        return (
            self.env["res.company"]
            .sudo()
            .search([("credit_control_enabled", "=", True)], order="id")
        )

    @api.model
    def _run_in_batches(self, work, process, batch_size):
        """Do at most ``batch_size`` items, company after company (in id order), and tell the
        cron runner how many remain (Odoo's cron progress API): it commits and calls again
        while work remains.

        Each call lists the work again (a run killed midway resumes from the database): the
        batch sizes of the crons weigh that listing (a pass over every customer) against the
        length of a batch's transaction (the customers it puts on hold stay locked until it
        commits). At 100,000 customers a listing takes 1.5 to 8 s and a batch of 5,000
        overdue customers about 18 s.

        ``work(company)`` lists what is to do in a company; ``process(company, items)`` does
        the items of this batch, as the credit workflow. Once the batch is full the companies
        after are not looked at (their work is listed by the next call). Returns the number
        of items done."""
        done = remaining = 0
        companies = self._monitored_companies()
        with credit_workflow(self.env):
            for company in companies:
                if done >= batch_size:
                    remaining += 1  # at least: the companies after this one, not looked at
                    break
                if not self._lock_company(company):
                    remaining += 1  # another run is on it: its turn comes in the next call
                    continue
                items = work(company)
                batch = items[: batch_size - done]
                if batch:
                    process(company, batch)
                done += len(batch)
                remaining += len(items) - len(batch)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    @api.model
    def _lock_company(self, company):
        """Take this cron's lock on ``company`` for the transaction, or return False when
        another run holds it (the scheduler and a Run Now button, two cron threads): two runs
        would each see the work the other has not committed yet and do it twice."""
        key = zlib.crc32(self._name.encode()) & 0x7FFFFFFF
        [(locked,)] = self.env.execute_query(
            SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", key, company.id)
        )
        return locked

    @api.model
    def _run_until_done(self, cron_method):
        """Run ``cron_method`` batch after batch until nothing is left (the settings' Run Now
        buttons); returns the number of items done."""
        done = 0
        while batch := getattr(self, cron_method)():
            done += batch
        return done
