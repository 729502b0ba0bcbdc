import io

import openpyxl
from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .test_finance_reports import FinanceReportCommon


@tagged("post_install", "-at_install")
class TestMonthlyPack(FinanceReportCommon):
    """The monthly credit pack: the reports of the month before e-mailed to the company's
    credit meeting group, once per month however often the cron runs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.meeting = cls.env["res.groups"].create({"name": "Credit Meeting"})
        cls.manager.write({"email": "manager@example.com", "groups_id": [(4, cls.meeting.id)]})
        cls.auditor.write({"email": "auditor@example.com", "groups_id": [(4, cls.meeting.id)]})
        # in the group but neither finance nor audit: the pack is not for them
        cls.internal_user.write({"email": "user@example.com", "groups_id": [(4, cls.meeting.id)]})
        cls.company.write({"credit_report_group_id": cls.meeting.id, "credit_report_month": False})

    def _packs(self):
        return self.env["mail.mail"].search(
            [
                ("subject", "like", f"Monthly credit pack {self.company.name} "),
                ("attachment_ids", "!=", False),
            ]
        )

    def _run(self):
        self.env["credit.monitoring.report.pack"]._cron_monthly_pack(batch_size=10)

    def test_sent_once_a_month_to_the_group(self):
        self._invoice(self.customer, 300.0, days_ago=40, due_in=0)
        self._run()
        self._run()
        pack = self._packs()
        self.assertEqual(len(pack), 1)
        self.assertEqual(pack.recipient_ids, (self.manager | self.auditor).partner_id)
        self.assertEqual(len(pack.attachment_ids), 4)
        month = self.today.replace(day=1)
        last_month_end = fields.Date.to_string(month - relativedelta(days=1))
        names = pack.attachment_ids.mapped("name")
        self.assertIn(f"Receivable Aging {last_month_end}.xlsx", names)
        aging = pack.attachment_ids.filtered(lambda a: a.name.startswith("Receivable Aging"))
        sheet = openpyxl.load_workbook(io.BytesIO(aging.raw)).active
        rows = {row[0]: row for row in sheet.iter_rows(min_row=6, values_only=True)}
        # the aging of the last day of the month before, all customers (a system run)
        self.assertIn("Credit Customer", rows)
        self.assertEqual(self.company.credit_report_month, month)
        # next month, one more pack
        with freeze_time(month + relativedelta(months=1, days=2)):
            self._run()
            self._run()
        self.assertEqual(len(self._packs()), 2)

    def test_one_mail_per_language_of_its_readers(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.auditor.partner_id.lang = "fr_FR"
        self._run()
        packs = self._packs()
        self.assertEqual(len(packs), 2)
        self.assertEqual(
            {tuple(pack.recipient_ids.mapped("lang")) for pack in packs},
            {(self.manager.partner_id.lang,), ("fr_FR",)},
        )

    def test_no_group_no_pack(self):
        self.company.credit_report_group_id = False
        self._run()
        self.assertFalse(self._packs())
