import base64
import io

import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.credit_management.models.credit_common import ANALYST, AUDITOR, CREDIT_STATUSES
from odoo.addons.credit_management.models.credit_exposure import AGING_BUCKETS


class CreditReportWizard(models.TransientModel):
    """The credit reports finance, audit and the credit meeting work from (P5.1.1, P5.1.3),
    with their filters. Salespeople get their own customers only."""

    _name = "credit.report.wizard"
    _description = "Credit Reports"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date = fields.Date(
        string="As of",
        required=True,
        default=fields.Date.context_today,
        help="What was open on this date: a payment matched after it leaves the invoice open.",
    )
    user_ids = fields.Many2many("res.users", string="Salespeople")
    team_ids = fields.Many2many("crm.team", string="Sales Teams")
    rating_ids = fields.Many2many("credit.rating", string="Ratings")
    credit_status = fields.Selection(CREDIT_STATUSES)
    partner_ids = fields.Many2many(
        "res.partner", string="Customers", domain="[('is_company', '=', True)]"
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        # opened from the Action menu of selected customers
        if self.env.context.get("active_model") == "res.partner" and "partner_ids" in fields_list:
            partners = self.env["res.partner"].browse(self.env.context.get("active_ids", []))
            values["partner_ids"] = [(6, 0, partners.commercial_partner_id.ids)]
        return values

    # ------------------------------------------------------------------------------------------
    # The customers of the report
    # ------------------------------------------------------------------------------------------
    def _customers(self):
        """The commercial partners the filters select, among those the user may read; a
        salesperson (not finance or audit) gets their own customers only."""
        self.ensure_one()
        Partner = self.env["res.partner"].with_company(self.company_id)
        domain = [("is_company", "=", True)]
        if self.partner_ids:
            domain.append(("id", "in", self.partner_ids.ids))
        if not (self.env.user.has_group(ANALYST) or self.env.user.has_group(AUDITOR)):
            domain.append(("user_id", "=", self.env.uid))
        if self.user_ids:
            domain.append(("user_id", "in", self.user_ids.ids))
        if self.team_ids:
            domain.append(("team_id", "in", self.team_ids.ids))
        if self.rating_ids:
            domain.append(("credit_rating_id", "in", self.rating_ids.ids))
        if self.credit_status:
            domain.append(("credit_status", "=", self.credit_status))
        return Partner.search(domain, order="name, id")

    def _filters_text(self):
        """The filters as printed on top of a report."""
        labels = []
        for fname in ("user_ids", "team_ids", "rating_ids", "partner_ids"):
            if self[fname]:
                labels.append(
                    f"{self._fields[fname].get_description(self.env)['string']}: "
                    + ", ".join(self[fname].mapped("display_name"))
                )
        if self.credit_status:
            status = dict(self._fields["credit_status"]._description_selection(self.env))
            labels.append(self.env._("Credit Status: %s", status[self.credit_status]))
        return "; ".join(labels) or self.env._("All customers")

    # ------------------------------------------------------------------------------------------
    # Receivable aging
    # ------------------------------------------------------------------------------------------
    def _aging_rows(self):
        """One row per customer: its aging on the date (credit.exposure._aging), its limit,
        exposure and available credit today (credit.exposure._get_exposure), rating, status
        and salesperson; ordered by salesperson then customer. The customers' names, ratings
        and statuses are read in one query: loading 100,000 partner records only to print
        three columns would cost more than the figures."""
        self.ensure_one()
        customers = self._customers()
        Exposure = self.env["credit.exposure"]
        aging = Exposure._aging(self.company_id, self.date, customers.ids)
        exposure = Exposure._get_exposure(customers, self.company_id, commercial_ids=customers.ids)
        Partner = self.env["res.partner"].sudo().with_company(self.company_id)
        statuses = dict(Partner._fields["credit_status"]._description_selection(self.env))
        attributes = self.env.execute_query(
            SQL(
                """
                SELECT p.id, p.complete_name, COALESCE(sp.name, ''), COALESCE(%(rating)s, ''),
                       %(status)s
                  FROM res_partner p
             LEFT JOIN res_users u ON u.id = p.user_id
             LEFT JOIN res_partner sp ON sp.id = u.partner_id
             LEFT JOIN credit_rating r ON r.id = %(rating_id)s
                 WHERE p.id = ANY(%(ids)s)
                """,
                rating=self.env["credit.rating"].sudo()._field_to_sql("r", "name"),
                rating_id=Partner._field_to_sql("p", "credit_rating_id"),
                status=Partner._field_to_sql("p", "credit_status"),
                ids=customers.ids,
            )
        )
        rows = []
        for pid, name, salesperson, rating, status in attributes:
            figures = exposure[pid]
            rows.append(
                {
                    "salesperson": salesperson,
                    "customer": name or "",
                    "rating": rating,
                    "status": statuses.get(status, ""),
                    "limit": figures["limit"],
                    "exposure": figures["total"],
                    "available": figures["available"],
                }
                | aging[pid]
            )
        rows.sort(key=lambda row: (row["salesperson"], row["customer"]))
        return rows

    def _aging_columns(self):
        labels = {
            "not_due": self.env._("Not Due"),
            "days_1_30": self.env._("1-30 Days"),
            "days_31_60": self.env._("31-60 Days"),
            "days_61_90": self.env._("61-90 Days"),
            "days_91_180": self.env._("91-180 Days"),
            "days_over_180": self.env._("Over 180 Days"),
        }
        return [
            ("customer", self.env._("Customer"), "text"),
            ("salesperson", self.env._("Salesperson"), "text"),
            ("rating", self.env._("Rating"), "text"),
            ("status", self.env._("Credit Status"), "text"),
            *((key, labels[key], "money") for key, _condition in AGING_BUCKETS),
            ("unapplied_credits", self.env._("Unapplied Credits"), "money"),
            ("total", self.env._("Open Receivable"), "money"),
            ("limit", self.env._("Credit Limit"), "money"),
            ("exposure", self.env._("Exposure Today"), "money"),
            ("available", self.env._("Available Today"), "money"),
        ]

    def _aging_xlsx(self):
        """The receivable aging as an XLSX file (bytes), written row by row in constant
        memory: the filters and the date on top, a frozen header with an autofilter,
        subtotals per salesperson and the total."""
        self.ensure_one()
        rows = self._aging_rows()
        columns = self._aging_columns()
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"constant_memory": True, "in_memory": True})
        currency = self.company_id.currency_id
        money_format = "#,##0.{0};-#,##0.{0}".format("0" * currency.decimal_places)
        styles = {
            "title": book.add_format({"bold": True, "font_size": 14}),
            "head": book.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1}),
            "text": book.add_format({}),
            "money": book.add_format({"num_format": money_format}),
            "sub_text": book.add_format({"bold": True, "top": 1}),
            "sub_money": book.add_format({"bold": True, "top": 1, "num_format": money_format}),
        }
        sheet = book.add_worksheet(self.env._("Receivable Aging")[:31])
        sheet.write(0, 0, self.env._("Receivable Aging"), styles["title"])
        sheet.write(
            1,
            0,
            self.env._(
                "%(company)s, as of %(date)s, in %(currency)s",
                company=self.company_id.name,
                date=fields.Date.to_string(self.date),
                currency=currency.name,
            ),
        )
        sheet.write(2, 0, self._filters_text())
        header = 4
        for col, (_key, label, kind) in enumerate(columns):
            sheet.write(header, col, label, styles["head"])
            sheet.set_column(col, col, 14 if kind == "money" else 28)
        sheet.freeze_panes(header + 1, 1)
        money_keys = [key for key, _label, kind in columns if kind == "money"]
        line = header + 1

        def write_total(label, totals):
            nonlocal line
            for col, (key, _label, kind) in enumerate(columns):
                if col == 0:
                    sheet.write(line, col, label, styles["sub_text"])
                elif kind == "money":
                    sheet.write_number(line, col, totals[key], styles["sub_money"])
                else:
                    sheet.write(line, col, "", styles["sub_text"])
            line += 1

        grand = dict.fromkeys(money_keys, 0.0)
        index = 0
        while index < len(rows):
            salesperson = rows[index]["salesperson"]
            subtotal = dict.fromkeys(money_keys, 0.0)
            while index < len(rows) and rows[index]["salesperson"] == salesperson:
                row = rows[index]
                for col, (key, _label, kind) in enumerate(columns):
                    if kind == "money":
                        sheet.write_number(line, col, row[key], styles["money"])
                        subtotal[key] += row[key]
                        grand[key] += row[key]
                    else:
                        sheet.write_string(line, col, row[key], styles["text"])
                line += 1
                index += 1
            write_total(
                self.env._("Subtotal %(salesperson)s", salesperson=salesperson or "-"), subtotal
            )
        sheet.autofilter(header, 0, max(line - 1, header), len(columns) - 1)
        write_total(self.env._("Total"), grand)
        book.close()
        return output.getvalue()

    def action_export_aging(self):
        self.ensure_one()
        if self.date > fields.Date.context_today(self):
            raise UserError(self.env._("The aging is of a day that has come: choose a past date."))
        content = self._aging_xlsx()
        name = self.env._("Receivable Aging %(date)s.xlsx", date=fields.Date.to_string(self.date))
        attachment = self.env["ir.attachment"].create(
            {
                "name": name,
                "datas": base64.b64encode(content),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
