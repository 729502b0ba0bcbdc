import io
from datetime import datetime, time, timedelta

import pytz
import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.credit_management.models.credit_common import (
    ANALYST,
    AUDITOR,
    CREDIT_STATUSES,
    HOLD_STATUSES,
)
from odoo.addons.credit_management.models.credit_exposure import AGING_BUCKETS, SNAPSHOT_FIGURES

# report key -> method building (content, file name); the download route serves these only
XLSX_REPORTS = ("aging", "exposure", "watch_list", "assessments", "holds", "compliance")


class CreditReportWizard(models.TransientModel):
    """The credit reports finance, audit and the credit meeting work from (P5.1.1, P5.1.3),
    with their filters. Salespeople get their own customers only."""

    _name = "credit.report.wizard"
    _description = "Credit Reports"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date_from = fields.Date(
        string="From",
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        help="First day of the period of the assessment register, the holds and releases and "
        "the compliance exceptions; the period ends on the As of date.",
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
        if not self._is_finance_reader():
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
    def _customer_attributes(self, customers):
        """``{partner_id: {customer, salesperson, rating, status}}`` of ``customers``, read in
        one query: loading 100,000 partner records only to print four columns would cost more
        than the figures."""
        Partner = self.env["res.partner"].sudo().with_company(self.company_id)
        statuses = dict(Partner._fields["credit_status"]._description_selection(self.env))
        rows = self.env.execute_query(
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
        return {
            pid: {
                "customer": name or "",
                "salesperson": salesperson,
                "rating": rating,
                "status": statuses.get(status, ""),
                "status_code": status or "",
            }
            for pid, name, salesperson, rating, status in rows
        }

    def _customer_columns(self):
        """The first columns of every report: the values of :meth:`_customer_attributes`."""
        return [
            ("customer", self.env._("Customer"), "text"),
            ("salesperson", self.env._("Salesperson"), "text"),
            ("rating", self.env._("Rating"), "text"),
            ("status", self.env._("Credit Status"), "text"),
        ]

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
        rows = []
        for pid, attributes in self._customer_attributes(customers).items():
            figures = exposure[pid]
            rows.append(
                attributes
                | {
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
            *self._customer_columns(),
            *((key, labels[key], "money") for key, _condition in AGING_BUCKETS),
            ("unapplied_credits", self.env._("Unapplied Credits"), "money"),
            ("total", self.env._("Open Receivable"), "money"),
            ("limit", self.env._("Credit Limit"), "money"),
            ("exposure", self.env._("Exposure Today"), "money"),
            ("available", self.env._("Available Today"), "money"),
        ]

    def _aging_xlsx(self):
        """The receivable aging as an XLSX file (bytes)."""
        return self._xlsx(self.env._("Receivable Aging"), self._aging_columns(), self._aging_rows())

    def _xlsx(self, title, columns, rows, date_label=None):
        """One report as an XLSX file (bytes), written row by row in constant memory: the
        title, the company, date and currency, and the filters on top; a frozen header with an
        autofilter; ``rows`` (ordered by salesperson) with a subtotal per salesperson and a
        total. ``columns``: ``[(key, label, kind)]``, kind "text", "money" (totalled),
        "amount" (money not totalled: a limit, a figure of its own row) or "number"."""
        self.ensure_one()
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"constant_memory": True, "in_memory": True})
        currency = self.company_id.currency_id
        money_format = "#,##0.{0};-#,##0.{0}".format("0" * currency.decimal_places)
        styles = {
            "title": book.add_format({"bold": True, "font_size": 14}),
            "head": book.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1}),
            "text": book.add_format({}),
            "money": book.add_format({"num_format": money_format}),
            "amount": book.add_format({"num_format": money_format}),
            "number": book.add_format({"num_format": "0.0"}),
            "sub_text": book.add_format({"bold": True, "top": 1}),
            "sub_money": book.add_format({"bold": True, "top": 1, "num_format": money_format}),
        }
        sheet = book.add_worksheet(title[:31])
        sheet.write(0, 0, title, styles["title"])
        sheet.write(
            1,
            0,
            self.env._(
                "%(company)s, %(date)s, in %(currency)s",
                company=self.company_id.name,
                date=date_label
                or self.env._("as of %(date)s", date=fields.Date.to_string(self.date)),
                currency=currency.name,
            ),
        )
        sheet.write(2, 0, self._filters_text())
        header = 4
        for col, (_key, label, kind) in enumerate(columns):
            sheet.write(header, col, label, styles["head"])
            sheet.set_column(col, col, 28 if kind == "text" else 14)
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
                    if kind == "text":
                        sheet.write_string(line, col, row[key], styles["text"])
                    else:
                        sheet.write_number(line, col, row[key], styles[kind])
                    if kind == "money":
                        subtotal[key] += row[key]
                        grand[key] += row[key]
                line += 1
                index += 1
            write_total(
                self.env._("Subtotal %(salesperson)s", salesperson=salesperson or "-"), subtotal
            )
        sheet.autofilter(header, 0, max(line - 1, header), len(columns) - 1)
        write_total(self.env._("Total"), grand)
        book.close()
        return output.getvalue()

    # ------------------------------------------------------------------------------------------
    # Exposure register
    # ------------------------------------------------------------------------------------------
    def _exposure_rows(self):
        """Every bucket of the exposure, the limit, available credit and utilisation of each
        customer: today from the exposure service, on a past date from that day's exposure
        snapshot (the daily cron's)."""
        self.ensure_one()
        customers = self._customers()
        today = fields.Date.context_today(self)
        if self.date >= today:
            figures = self.env["credit.exposure"]._get_exposure(
                customers, self.company_id, commercial_ids=customers.ids
            )
        else:
            figures = {}
            for snapshot in self._exposure_snapshots(customers):
                values = {key: snapshot[key] for key in SNAPSHOT_FIGURES}
                limit = values["limit"]
                values["available"] = limit - values["total"] if limit > 0 else 0.0
                figures[snapshot["partner_id"]] = values
        rows = []
        for pid, attributes in self._customer_attributes(customers).items():
            if pid not in figures:
                continue  # no snapshot row: not a customer of the company on that day
            values = figures[pid]
            rows.append(
                attributes
                | {
                    key: values[key]
                    for key, _label, kind in self._exposure_columns()
                    if kind != "text"
                }
            )
        rows.sort(key=lambda row: (row["salesperson"], row["customer"]))
        return rows

    def _exposure_snapshots(self, customers):
        """The figures of ``customers`` in the exposure snapshot of the date."""
        snapshots = (
            self.env["credit.exposure.snapshot"]
            .sudo()
            .search_read(
                [
                    ("company_id", "=", self.company_id.id),
                    ("date", "=", self.date),
                    ("partner_id", "in", customers.ids),
                ],
                ["partner_id", *SNAPSHOT_FIGURES],
                load=None,
            )
        )
        if not snapshots:
            raise UserError(
                self.env._(
                    "No exposure snapshot of %(date)s in %(company)s: the register of a past "
                    "date comes from the daily snapshots (see the company's snapshot "
                    "retention in the Credit Settings).",
                    date=fields.Date.to_string(self.date),
                    company=self.company_id.name,
                )
            )
        return snapshots

    def _exposure_columns(self):
        return [
            *self._customer_columns(),
            ("receivable_not_due", self.env._("Receivable Not Due"), "money"),
            ("overdue", self.env._("Overdue"), "money"),
            ("unapplied_credits", self.env._("Unapplied Credits"), "money"),
            ("draft_invoices", self.env._("Draft Invoices"), "money"),
            ("uninvoiced_orders", self.env._("Uninvoiced Orders"), "money"),
            ("total", self.env._("Exposure"), "money"),
            ("limit", self.env._("Credit Limit"), "money"),
            ("available", self.env._("Available Credit"), "money"),
            ("utilization", self.env._("Utilisation (%)"), "number"),
            ("overdue_days", self.env._("Days Overdue"), "number"),
        ]

    def action_export_exposure(self):
        self.ensure_one()
        self._check_date()
        if self.date < fields.Date.context_today(self):
            self._exposure_snapshots(self._customers())
        return self._download("exposure")

    def _exposure_file(self):
        today = fields.Date.context_today(self)
        content = self._xlsx(
            self.env._("Exposure Register"),
            self._exposure_columns(),
            self._exposure_rows(),
            date_label=None
            if self.date < today
            else self.env._("today %(date)s", date=fields.Date.to_string(self.date)),
        )
        return content, self._file_name(self.env._("Exposure Register"))

    # ------------------------------------------------------------------------------------------
    # Watch list
    # ------------------------------------------------------------------------------------------
    def _watch_rows(self):
        """The customers to watch today: each open credit event (reported, overdue check, early
        warning) with its signals, response plan and owner, and the customers on the watch
        list or on hold without one. Events are read as the user reads them (a salesperson
        sees their customers' events)."""
        self.ensure_one()
        customers = self._customers()
        attributes = self._customer_attributes(customers)
        events = self.env["credit.event"].search(
            [
                ("partner_id", "in", customers.ids),
                ("company_id", "=", self.company_id.id),
                ("state", "!=", "resolved"),
            ],
            order="date, id",
        )
        Event = self.env["credit.event"]
        labels = {
            fname: dict(Event._fields[fname]._description_selection(self.env))
            for fname in ("event_type", "severity", "state")
        }
        rows = []
        for event in events:
            rows.append(
                attributes[event.partner_id.id]
                | {
                    "event": event.name,
                    "event_type": labels["event_type"][event.event_type],
                    "severity": labels["severity"][event.severity],
                    "state": labels["state"][event.state],
                    "date": fields.Date.to_string(event.date),
                    "deadline": fields.Date.to_string(event.deadline) or "",
                    "signals": event.description or "",
                    "response_plan": event.response_plan or "",
                    "owner": event.user_id.name or "",
                    "amount": event.amount,
                    "escalation_level": event.escalation_level,
                }
            )
        with_events = set(events.partner_id.ids)
        empty = dict.fromkeys(
            (
                "event",
                "event_type",
                "severity",
                "state",
                "date",
                "deadline",
                "signals",
                "response_plan",
                "owner",
            ),
            "",
        ) | {"amount": 0.0, "escalation_level": 0}
        for pid, values in attributes.items():
            if pid not in with_events and values["status_code"] in ("watch", *HOLD_STATUSES):
                rows.append(values | empty)
        rows.sort(key=lambda row: (row["salesperson"], row["customer"], row["date"]))
        return rows

    def _watch_columns(self):
        return [
            *self._customer_columns(),
            ("event", self.env._("Credit Event"), "text"),
            ("event_type", self.env._("Type"), "text"),
            ("severity", self.env._("Severity"), "text"),
            ("state", self.env._("State"), "text"),
            ("date", self.env._("Date"), "text"),
            ("deadline", self.env._("Deadline"), "text"),
            ("escalation_level", self.env._("Escalation Level"), "number"),
            ("amount", self.env._("Amount"), "money"),
            ("signals", self.env._("Signals"), "text"),
            ("response_plan", self.env._("Response Plan"), "text"),
            ("owner", self.env._("Owner"), "text"),
        ]

    def action_export_watch_list(self):
        self.ensure_one()
        return self._download("watch_list")

    def _watch_list_file(self):
        today = fields.Date.to_string(fields.Date.context_today(self))
        content = self._xlsx(
            self.env._("Watch List"),
            self._watch_columns(),
            self._watch_rows(),
            date_label=self.env._("open on %(date)s", date=today),
        )
        return content, self.env._("Watch List %(date)s.xlsx", date=today)

    # ------------------------------------------------------------------------------------------
    # Downloads: the button checks, the read-only download route builds the file
    # ------------------------------------------------------------------------------------------
    def _check_date(self):
        if self.date > fields.Date.context_today(self):
            raise UserError(self.env._("A report is of a day that has come: choose a past date."))

    def _check_period(self):
        self._check_date()
        if not self.date_from or self.date_from > self.date:
            raise UserError(
                self.env._("Choose the first day of the period, on or before the As of date.")
            )

    def _is_finance_reader(self):
        """Credit finance, internal audit, and the system's own runs (the monthly pack)."""
        return self.env.su or self.env.user.has_group(ANALYST) or self.env.user.has_group(AUDITOR)

    def _check_finance(self):
        """Reports on finance's and audit's records (assessments, releases, compliance) are
        theirs."""
        if not self._is_finance_reader():
            raise AccessError(self.env._("This report is for credit finance and internal audit."))

    def _period_bounds(self):
        """The period as UTC datetimes ``[start, end)``: its first day at midnight to the day
        after the As of date at midnight, in the user's time zone."""
        zone = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        return tuple(
            zone.localize(datetime.combine(day, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
            for day in (self.date_from, self.date + timedelta(days=1))
        )

    def _download(self, report):
        """Open the download of ``report``: the route builds it on a read-only cursor."""
        return {
            "type": "ir.actions.act_url",
            "url": f"/credit_management_reports/xlsx/{self.id}/{report}",
            "target": "self",
        }

    def _report_file(self, report):
        """``(content, file name)`` of the XLSX ``report`` (one of XLSX_REPORTS)."""
        self.ensure_one()
        if report not in XLSX_REPORTS:
            raise UserError(self.env._("There is no credit report %(report)s.", report=report))
        return getattr(self, f"_{report}_file")()

    def _file_name(self, title, period=False):
        if period:
            return self.env._(
                "%(title)s %(start)s to %(end)s.xlsx",
                title=title,
                start=fields.Date.to_string(self.date_from),
                end=fields.Date.to_string(self.date),
            )
        return self.env._(
            "%(title)s %(date)s.xlsx", title=title, date=fields.Date.to_string(self.date)
        )

    def action_export_aging(self):
        self.ensure_one()
        self._check_date()
        return self._download("aging")

    def _aging_file(self):
        return self._aging_xlsx(), self._file_name(self.env._("Receivable Aging"))
