from odoo import api, fields, models


class CreditMonitoringSnapshot(models.AbstractModel):
    """The daily exposure snapshot (P5.1.2): one company per batch, each written in one
    statement by ``credit.exposure.snapshot``. A company already done today is not work, so a
    run killed midway resumes where it stopped and a second run writes nothing new."""

    _name = "credit.monitoring.snapshot"
    _inherit = "credit.monitoring"
    _description = "Credit Monitoring: Exposure Snapshot"

    @api.model
    def _cron_snapshot(self, batch_size=1):
        today = fields.Date.context_today(self)
        Snapshot = self.env["credit.exposure.snapshot"]

        def work(company):
            done = company.credit_snapshot_date and company.credit_snapshot_date >= today
            return [] if done else [company]

        def process(company, companies):
            Snapshot._snapshot_company(company, today)
            Snapshot._purge(company, today)

        return self._run_in_batches(work, process, batch_size)

    @api.model
    def _snapshot_now(self):
        """Write (or refresh) today's snapshot of every company now (the settings' button)."""
        today = fields.Date.context_today(self)
        Snapshot = self.env["credit.exposure.snapshot"]
        for company in self._monitored_companies():
            Snapshot._snapshot_company(company, today)
            Snapshot._purge(company, today)
        return True
