import base64

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.fields import Command
from odoo.tools import plaintext2html

from odoo.addons.credit_management.models.credit_common import ANALYST, AUDITOR

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# the reports of the monthly pack (keys of the report wizard's XLSX_REPORTS)
PACK_REPORTS = ("aging", "watch_list", "holds", "compliance")


class CreditMonitoringReportPack(models.AbstractModel):
    """The monthly credit pack (P5.2.1): on the first days of a month, the reports of the month
    before (receivable aging at its last day, watch list, holds and releases, compliance
    exceptions) are e-mailed to the company's credit meeting group. Once per month and
    company: the month sent is recorded in the same transaction as the e-mail, so a second
    run, or a run killed and restarted, sends nothing twice."""

    _name = "credit.monitoring.report.pack"
    _inherit = "credit.monitoring"
    _description = "Credit Monitoring: Monthly Report Pack"

    @api.model
    def _cron_monthly_pack(self, batch_size=1):
        month = fields.Date.context_today(self).replace(day=1)

        def work(company):
            done = company.credit_report_month and company.credit_report_month >= month
            return [] if done or not company.credit_report_group_id else [company]

        def process(company, companies):
            self._send_pack(company, month)

        return self._run_in_batches(work, process, batch_size)

    @api.model
    def _pack_recipients(self, company):
        # the pack holds every customer's figures: internal finance and audit users only,
        # whatever group the settings name
        return (
            company.credit_report_group_id.sudo()
            .users.filtered(
                lambda user: (
                    company in user.company_ids
                    and user.partner_id.email
                    and not user.share
                    and (user.has_group(ANALYST) or user.has_group(AUDITOR))
                )
            )
            .partner_id
        )

    @api.model
    def _send_pack(self, company, month):
        """E-mail the pack of the month before ``month`` to ``company``'s group; record the
        month as sent (even with nobody to send to, so it is not retried every day)."""
        start = month - relativedelta(months=1)
        end = month - relativedelta(days=1)
        recipients = self._pack_recipients(company)
        # one e-mail per language of its readers, the reports written in that language
        for lang in set(recipients.mapped("lang")):
            self.with_context(lang=lang)._send_pack_mail(
                company, start, end, recipients.filtered(lambda r, lg=lang: r.lang == lg)
            )
        company.sudo().credit_report_month = month

    @api.model
    def _send_pack_mail(self, company, start, end, recipients):
        wizard = (
            self.env["credit.report.wizard"]
            .sudo()
            .with_company(company)
            .create({"company_id": company.id, "date_from": start, "date": end})
        )
        files = [wizard._report_file(report) for report in PACK_REPORTS]
        period = self.env._(
            "%(start)s to %(end)s",
            start=fields.Date.to_string(start),
            end=fields.Date.to_string(end),
        )
        body = self.env._(
            "The credit pack of %(company)s for %(period)s: receivable aging, watch list, "
            "holds and releases, and compliance exceptions.",
            company=company.name,
            period=period,
        )
        self.env["mail.mail"].sudo().create(
            {
                "subject": self.env._(
                    "Monthly credit pack %(company)s %(period)s",
                    company=company.name,
                    period=period,
                ),
                "body_html": plaintext2html(body),
                "email_from": company.email_formatted or self.env.user.email_formatted,
                "recipient_ids": [Command.set(recipients.ids)],
                "auto_delete": False,
                "attachment_ids": [
                    Command.create(
                        {
                            "name": name,
                            "datas": base64.b64encode(content),
                            "mimetype": XLSX_MIMETYPE,
                            "res_model": "res.company",
                            "res_id": company.id,
                        }
                    )
                    for content, name in files
                ],
            }
        )
