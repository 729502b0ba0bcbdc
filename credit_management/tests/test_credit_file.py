import base64
import re

from odoo import SUPERUSER_ID
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import Form, new_test_user, tagged

from .common import CreditCommon

PDF = base64.b64encode(b"%PDF-1.4 bank reference")


@tagged("post_install", "-at_install")
class TestCreditFile(CreditCommon):
    """The confidential credit file, credit events and the audit trail (P3.2, P3.3.2, P4.2.3,
    P5.1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.credit_controller_id = cls.analyst
        cls.portal_user = new_test_user(cls.env, login="credit_portal", groups="base.group_portal")
        cls.other_salesperson = cls._credit_user("credit_sales_2", "sales_team.group_sale_salesman")
        cls.event_type = cls.env.ref("credit_management.mail_activity_type_credit_event")
        # export is governed by the credit access rights alone in these tests
        (cls.salesperson | cls.analyst | cls.manager | cls.auditor | cls.internal_user).write(
            {"groups_id": [Command.link(cls.env.ref("base.group_allow_export").id)]}
        )

    def _report(self, user, source=None, **vals):
        record = source or self.customer
        action = record.with_user(user).action_report_credit_event()
        return (
            self.env["credit.event"]
            .with_user(user)
            .with_context(**action["context"])
            .create(
                {"name": "Cheque returned by the bank", "event_type": "returned_payment"} | vals
            )
        )

    def _draft_assessment(self):
        """An assessment the salesperson is filling in, with a bank reference attached."""
        bank_reference = self.env.ref("credit_management.document_type_bank_reference")
        return (
            self.env["credit.assessment"]
            .with_user(self.salesperson)
            .create(
                {
                    "partner_id": self.customer.id,
                    "type": "adhoc",
                    "requested_limit": 1000.0,
                    "document_ids": [
                        Command.create(
                            {"type_id": bank_reference.id, "file": PDF, "filename": "bank.pdf"}
                        )
                    ],
                }
            )
        )

    # ------------------------------------------------------------------------------------------
    def test_sales_reports_an_anomaly_and_finance_acts(self):
        order = self._order(self.customer_contact, 300.0, confirm=False)
        order.user_id = self.salesperson
        event = self._report(self.salesperson, source=order, amount=1200.0)
        self.assertEqual(event.partner_id, self.customer)
        self.assertEqual(event.source_ref, order)
        self.assertEqual(event.reported_by_id, self.salesperson)
        activity = event.activity_ids.filtered(lambda a: a.activity_type_id == self.event_type)
        self.assertEqual(activity.user_id, self.analyst)
        self.assertEqual(activity.date_deadline, event.deadline)
        # the reporter sees the event, another salesperson does not
        Event = self.env["credit.event"]
        self.assertEqual(Event.with_user(self.salesperson).search([]), event)
        self.assertFalse(Event.with_user(self.other_salesperson).search([]))
        with self.assertRaises(UserError):
            event.with_user(self.salesperson).action_hold_customer()

        event.with_user(self.analyst).response_plan = "Ask for a bank guarantee within a week."
        event.with_user(self.analyst).action_hold_customer()
        partner = self.customer.with_user(self.analyst)
        self.assertEqual(partner.credit_status, "hold")
        self.assertIn("Cheque returned by the bank", partner.credit_hold_reason)
        self.assertEqual(event.state, "in_progress")
        history = (
            self.env["credit.history"]
            .sudo()
            .search([("partner_id", "=", self.customer.id), ("kind", "=", "status")])
        )
        self.assertEqual(history.kind, "status")
        self.assertEqual(history.reason, "Cheque returned by the bank")

        with self.assertRaises(UserError):
            event.with_user(self.analyst).action_resolve()
        event.with_user(self.analyst).resolution = "Guarantee received."
        event.with_user(self.analyst).action_resolve()
        self.assertEqual(event.state, "resolved")
        self.assertFalse(
            event.activity_ids.filtered(lambda a: a.activity_type_id == self.event_type)
        )

    def test_report_from_the_opportunity(self):
        lead = self.env["crm.lead"].create(
            {"name": "Deal", "type": "opportunity", "partner_id": self.customer.id}
        )
        event = self._report(self.salesperson, source=lead, event_type="legal")
        self.assertEqual(event.source_ref, lead)

    def test_history_is_kept_and_append_only(self):
        self.customer.with_user(self.analyst).with_context(
            credit_change_reason="Annual review"
        ).credit_limit = 4000.0
        row = (
            self.env["credit.history"]
            .sudo()
            .search([("partner_id", "=", self.customer.id), ("reason", "!=", "Test set-up")])
        )
        self.assertRecordValues(
            row,
            [
                {
                    "kind": "limit",
                    "old_value": "2500.00",
                    "new_value": "4000.00",
                    "reason": "Annual review",
                    "user_id": self.analyst.id,
                    "company_id": self.company.id,
                }
            ],
        )
        self.assertEqual(row.file_id.partner_id, self.customer)
        for user in (self.analyst, self.manager, self.auditor):
            with self.assertRaises(UserError):  # append-only, before any access right
                row.with_user(user).write({"new_value": "1"})
            with self.assertRaises(AccessError):
                row.with_user(user).unlink()
        with self.assertRaises(UserError):  # sudo() in code acting for a user is not enough
            row.with_user(self.manager).sudo().write({"reason": "corrected"})
        row.with_user(SUPERUSER_ID).write({"reason": "corrected by the superuser"})

    def test_file_gathers_the_customer_credit_story(self):
        paid = self._invoice(self.customer, 400.0, days_ago=40, due_in=30)
        self._pay(paid, 400.0)
        self._invoice(self.customer, 250.0, days_ago=5, due_in=30)
        event = self._report(self.salesperson)
        file = self.env["credit.file"].sudo().search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(file), 1)
        self.assertEqual(file.event_ids, event)
        months = file.with_user(self.analyst).month_ids
        self.assertAlmostEqual(sum(months.mapped("invoiced")), 650.0)
        self.assertAlmostEqual(sum(months.mapped("paid")), 400.0)
        self.assertEqual(sum(months.mapped("invoice_count")), 2)
        paid_month = months.filtered(lambda m: m.paid)
        self.assertEqual(paid_month.avg_days_to_pay, 40.0)
        # one file per customer and company
        self.assertEqual(
            self.env["credit.file"]._for_partner(self.customer_contact, self.company), file
        )

    def test_access_log_records_form_reads_and_exports(self):
        file = self.env["credit.file"]._for_partner(self.customer, self.company)
        file.with_user(self.analyst).web_read({"partner_id": {}, "credit_limit": {}})
        file.with_user(self.auditor).export_data(["partner_id", "credit_status"])
        log = self.env["credit.access.log"].sudo().search([("res_model", "=", "credit.file")])
        self.assertEqual(
            sorted((entry.user_id.login, entry.channel) for entry in log),
            [("credit_analyst", "form"), ("credit_auditor", "export")],
        )
        self.assertEqual(log.with_user(self.auditor).search_count([]), len(log))
        with self.assertRaises(AccessError):
            log.with_user(self.analyst).read(["channel"])
        for user in (self.analyst, self.manager, self.auditor):
            with self.assertRaises(UserError):  # append-only, before any access right
                log.with_user(user).write({"channel": "rpc"})
            with self.assertRaises(AccessError):
                log.with_user(user).unlink()
        with self.assertRaises(UserError):  # sudo() in code acting for a user is not enough
            log.with_user(self.auditor).sudo().write({"ip_address": "127.0.0.1"})
        log.with_user(SUPERUSER_ID).write({"ip_address": "127.0.0.1"})  # the superuser only

    def test_salesperson_cannot_reach_documents_through_attachments(self):
        assessment = self._draft_assessment()
        document = assessment.document_ids
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "credit.assessment.document"),
                    ("res_id", "=", document.id),
                    ("res_field", "=", "file"),
                ]
            )
        )
        self.assertTrue(attachment)
        # the salesperson who fills in the form may read it; nobody else in sales, and not the
        # salesperson either once it is submitted
        self.assertEqual(attachment.with_user(self.salesperson).datas, PDF)
        for user in (self.other_salesperson, self.internal_user, self.portal_user):
            with self.assertRaises(AccessError):
                attachment.with_user(user).datas  # noqa: B018
        self._submit(assessment)
        attachment.invalidate_recordset()
        with self.assertRaises(AccessError):
            attachment.with_user(self.salesperson).datas  # noqa: B018
        found = (
            self.env["ir.attachment"]
            .with_user(self.salesperson)
            .search([("res_model", "=", "credit.assessment.document"), ("res_field", "=", "file")])
        )
        self.assertFalse(found)
        self.assertEqual(attachment.with_user(self.auditor).datas, PDF)
        self.assertEqual(attachment.with_user(self.analyst).datas, PDF)

    def test_access_matrix(self):
        """Every role against every credit model and operation: True allowed, False refused."""
        file = self.env["credit.file"]._for_partner(self.customer, self.company)
        self.customer.with_user(self.analyst).credit_limit = 3000.0
        event = self._report(self.salesperson)
        assessment = self._draft_assessment()
        release = (
            self.env["credit.release"]
            .sudo()
            .create(
                {
                    "answer": "reject",
                    "document_name": "S0001",
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "reason": "Test",
                }
            )
        )
        samples = {
            "credit.assessment": assessment,
            "credit.assessment.line": assessment.sudo().line_ids[:1],
            "credit.assessment.document": assessment.document_ids,
            "credit.release": release,
            "credit.file": file,
            "credit.history": self.env["credit.history"].sudo().search([], limit=1),
            "credit.event": event,
            "credit.access.log": self.env["credit.access.log"]._log(file, "form")
            or self.env["credit.access.log"].sudo().search([], limit=1),
            "credit.scorecard": self.env.ref("credit_management.scorecard_default"),
            "credit.rating": self.env.ref("credit_management.rating_a"),
        }
        roles = {
            "salesperson": self.salesperson,
            "analyst": self.analyst,
            "manager": self.manager,
            "auditor": self.auditor,
            "internal": self.internal_user,
            "portal": self.portal_user,
        }
        # read / write / create / unlink, for each role in the order of `roles`
        expected = {
            "credit.assessment": ("1111 00", "1110 00", "1110 00", "0010 00"),
            "credit.assessment.line": ("0111 00", "0110 00", "0000 00", "0000 00"),
            "credit.assessment.document": ("1111 00", "1110 00", "1110 00", "1110 00"),
            # releases come from the release wizard only: nobody creates one directly
            "credit.release": ("0111 00", "0000 00", "0000 00", "0000 00"),
            "credit.file": ("0111 00", "0110 00", "0000 00", "0000 00"),
            "credit.history": ("0111 00", "0000 00", "0000 00", "0000 00"),
            "credit.event": ("1111 00", "1110 00", "1110 00", "0000 00"),
            "credit.access.log": ("0001 00", "0000 00", "0000 00", "0000 00"),
            "credit.scorecard": ("1111 00", "0010 00", "0010 00", "0010 00"),
            "credit.rating": ("1111 10", "0010 00", "0010 00", "0010 00"),
        }
        operations = ("read", "write", "create", "unlink")
        failures = []
        for model, rows in expected.items():
            record = samples[model]
            for operation, row in zip(operations, rows, strict=True):
                flags = row.replace(" ", "")
                for (role, user), flag in zip(roles.items(), flags, strict=True):
                    allowed = self._allowed(record, user, operation)
                    if allowed != (flag == "1"):
                        failures.append(f"{role} {operation} {model}: {allowed}")
                # search, read_group and export follow read
                if operation == "read":
                    for (role, user), flag in zip(roles.items(), flags, strict=True):
                        allowed = self._can_search(record, user)
                        if allowed != (flag == "1"):
                            failures.append(f"{role} search/read_group/export {model}: {allowed}")
        self.assertFalse(failures, "\n".join(failures))

    def _allowed(self, record, user, operation):
        try:
            if operation == "create":
                record.with_user(user).browse().check_access("create")
            else:
                record.with_user(user).check_access(operation)
            if operation == "read":
                record.with_user(user).read(["display_name"])
        except AccessError:
            return False
        return True

    def _can_search(self, record, user):
        Model = record.with_user(user)
        try:
            found = Model.search([("id", "=", record.id)])
            Model.read_group([("id", "=", record.id)], ["id:count"], [])
            record.with_user(user).export_data(["id"])
        except AccessError:
            return False
        return bool(found)

    def test_each_role_opens_the_screens_of_its_menus(self):
        """The forms behind each role's menus load for that role (every field the view reads
        is readable), not only for the administrator."""
        self.customer.user_id = self.salesperson
        order = self._order(self.customer, 9000.0, confirm=False)
        order.user_id = self.salesperson
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.credit_hold_state, "held")
        invoice = self._invoice(self.customer, 10.0, post=False)
        assessment = self._draft_assessment()
        file = self.env["credit.file"]._for_partner(self.customer, self.company)
        screens = {
            self.salesperson: (order, self.customer, assessment),
            self.analyst: (order, self.customer, assessment, file, invoice),
            self.auditor: (order, self.customer, assessment, file, invoice),
        }
        for user, records in screens.items():
            for record in records:
                with self.subTest(user=user.login, model=record._name):
                    Form(record.with_user(user))
        with self.assertRaises(AccessError):
            Form(file.with_user(self.salesperson))

    # ------------------------------------------------------------------------------------------
    # Documents made the way users make them
    # ------------------------------------------------------------------------------------------
    def _order_from_opportunity(self):
        """A salesperson's opportunity (team, tags, campaign) turned into a quotation from a
        template, confirmed and held: what finance then opens."""
        self.customer.user_id = self.salesperson
        tag = self.env["crm.tag"].create({"name": "Key account"})
        campaign = self.env["utm.campaign"].create({"name": "Autumn fair"})
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesperson)
            .create(
                {
                    "name": "Office refit",
                    "type": "opportunity",
                    "partner_id": self.customer.id,
                    "expected_revenue": 9000.0,
                    "tag_ids": [Command.set(tag.ids)],
                    "campaign_id": campaign.id,
                    "team_id": self.env.ref("sales_team.team_sales_department").id,
                }
            )
        )
        template = self.env["sale.order.template"].create(
            {
                "name": "Office refit",
                "sale_order_template_line_ids": [
                    Command.create({"product_id": self.product.id, "product_uom_qty": 90})
                ],
            }
        )
        context = lead.with_user(self.salesperson)._prepare_opportunity_quotation_context()
        with Form(
            self.env["sale.order"].with_user(self.salesperson).with_context(**context)
        ) as form:
            form.sale_order_template_id = template
        order = form.record
        self.assertEqual(order.tag_ids, tag)
        self.assertEqual(order.opportunity_id, lead)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.credit_hold_state, "held")
        return order

    def test_each_role_opens_orders_made_from_crm(self):
        """Finance and audit open the held orders that came from CRM opportunities (tags,
        team, campaign, template), from the hold queue and the order itself."""
        order = self._order_from_opportunity()
        queue = self.env.ref("credit_management.sale_order_credit_hold_view_list")
        for user in (self.salesperson, self.analyst, self.manager, self.auditor):
            with self.subTest(user=user.login):
                Order = self.env["sale.order"].with_user(user)
                arch = Order.get_views([(queue.id, "list")])["views"]["list"]["arch"]
                names = set(re.findall(r'<field name="(\w+)"', arch))
                found = Order.web_search_read(
                    [("credit_hold_state", "=", "held")], {name: {} for name in names}
                )
                self.assertIn(order.id, [row["id"] for row in found["records"]])
                Form(order.with_user(user))
                self._web_client_read(order, user)

    def _web_client_read(self, record, user):
        """Read ``record`` as the web client reads its form for ``user``: every field of the
        user's form view, with the display name (and colour, for tags) of related records."""
        Model = record.with_user(user)
        arch = Model.get_views([(False, "form")])["views"]["form"]["arch"]
        spec = {}
        for name in set(re.findall(r'<field name="(\w+)"', arch)) & set(Model._fields):
            field = Model._fields[name]
            if field.type in ("many2one", "many2many"):
                related = {"display_name": {}}
                if field.type == "many2many" and "color" in self.env[field.comodel_name]._fields:
                    related["color"] = {}  # tags
                spec[name] = {"fields": related}
            else:
                spec[name] = {}
        return Model.web_read(spec)

    # ------------------------------------------------------------------------------------------
    # The audit trail
    # ------------------------------------------------------------------------------------------
    def _log(self, **domain):
        return (
            self.env["credit.access.log"]
            .sudo()
            .search([(key, "=", value) for key, value in domain.items()], order="id")
        )

    def test_access_log_records_each_opening_once_with_readable_names(self):
        files = self.env["credit.file"]._for_partners(
            self.customer | self.env["res.partner"].create({"name": "Second", "is_company": True}),
            self.company,
        )
        File = self.env["credit.file"].with_user(self.analyst)
        spec = {"partner_id": {"fields": {"display_name": {}}}, "company_id": {}}
        # a list: one row for the list, not a "form" per record
        File.web_search_read([("id", "in", [f.id for f in files.values()])], spec)
        [listed] = self._log(channel="list")
        self.assertEqual((listed.res_id, listed.record_count), (0, 2))
        self.assertEqual(listed.model_id.name, "Customer Credit File")
        self.assertFalse(self._log(channel="form"))
        # a form, opened then reloaded and saved: one opening
        file = files[self.customer.id].with_user(self.analyst)
        file.web_read(spec)
        file.web_read(spec)
        file.web_save({"notes": "<p>Met the CFO</p>"}, spec)
        self.assertEqual(len(self._log(channel="form", res_id=file.id)), 1)
        # an assessment is a credit record too
        assessment = self._draft_assessment()
        assessment.with_user(self.analyst).web_read({"partner_id": {}})
        self.assertTrue(self._log(channel="form", res_model="credit.assessment"))

    def test_programs_reading_credit_files_are_logged(self):
        """XML-RPC and JSON-RPC run without an HTTP request: their reads are logged too."""
        file = self.env["credit.file"]._for_partner(self.customer, self.company)
        file.with_user(self.auditor).read(["partner_id", "credit_limit"])
        self.env["credit.file"].with_user(self.auditor).search_read(
            [("id", "=", file.id)], ["credit_status"]
        )
        rows = self._log(channel="rpc", res_id=file.id)
        self.assertEqual(rows.user_id, self.auditor)
        self.assertEqual(len(rows), 1)  # the same opening, read twice in a few minutes

    # ------------------------------------------------------------------------------------------
    # Salespeople act on what they are asked to
    # ------------------------------------------------------------------------------------------
    def test_salesperson_reads_the_events_of_their_customers(self):
        self.customer.user_id = self.salesperson
        event = self.env["credit.event"]._credit_workflow_create(
            {
                "name": "Overdue 40 days",
                "partner_id": self.customer.id,
                "event_type": "overdue",
                "origin": "overdue_check",
            }
        )
        self.assertEqual(event.with_user(self.salesperson).name, "Overdue 40 days")
        event.with_user(self.salesperson).response_plan = "Visit the customer on Monday."
        with self.assertRaises(AccessError):
            event.with_user(self.other_salesperson).read(["name"])

    def test_salesperson_cannot_forge_a_monitoring_event(self):
        Event = self.env["credit.event"].with_user(self.salesperson)
        for vals in (
            {"origin": "overdue_check"},
            {"auto_hold": True},
            {"state": "resolved"},
            {"escalation_level": 3},
        ):
            with self.assertRaises(UserError):
                Event.create({"name": "Forged", "partner_id": self.customer.id} | vals)
        # an "overdue" report by a salesperson is theirs: the overdue check leaves it alone
        report = Event.create(
            {"name": "Late again", "partner_id": self.customer.id, "event_type": "overdue"}
        )
        self.assertEqual(report.origin, "reported")
        self.company.credit_control_enabled = True
        self.env["credit.monitoring.overdue"].sudo()._cron_overdue_check()
        self.assertEqual(report.state, "open")

    # ------------------------------------------------------------------------------------------
    # Multi-company
    # ------------------------------------------------------------------------------------------
    def test_every_credit_record_stays_in_its_company(self):
        """Each role of the first company, against the credit records of a second company."""
        company_2 = self.setup_other_company(name="Credit Company Two")["company"]
        company_2.credit_control_enabled = True
        Customer = self.env["res.partner"].with_company(company_2)
        customer_2 = Customer.create({"name": "Second Company Customer", "is_company": True})
        assessment = (
            self.env["credit.assessment"]
            .with_company(company_2)
            .create(
                {
                    "partner_id": customer_2.id,
                    "company_id": company_2.id,
                    "requested_limit": 100.0,
                    "document_ids": [
                        Command.create(
                            {
                                "type_id": self.env.ref(
                                    "credit_management.document_type_financial_statements"
                                ).id,
                                "file": PDF,
                                "filename": "fs.pdf",
                            }
                        )
                    ],
                }
            )
        )
        file = self.env["credit.file"]._for_partner(customer_2, company_2)
        self._invoice(customer_2, 100.0, company=company_2)
        self.env["credit.access.log"].with_company(company_2)._log(file, "form")
        rating = (
            self.env["credit.rating"]
            .sudo()
            .create({"name": "Company Two A+", "min_score": 90, "company_id": company_2.id})
        )
        scorecard = (
            self.env["credit.scorecard"]
            .sudo()
            .create(
                {
                    "name": "Company Two scorecard",
                    "company_id": company_2.id,
                    "criterion_ids": [Command.create({"name": "All", "weight": 100})],
                }
            )
        )
        samples = {
            "credit.assessment": assessment,
            "credit.assessment.document": assessment.document_ids,
            "credit.assessment.line": assessment.line_ids[:1],
            "credit.file": file,
            "credit.file.month": self.env["credit.file.month"].search(
                [("company_id", "=", company_2.id)]
            ),
            "credit.access.log": self._log(res_id=file.id),
            "credit.rating": rating,
            "credit.scorecard": scorecard,
        }
        for user in (self.salesperson, self.analyst, self.manager, self.auditor):
            for model, record in samples.items():
                with self.subTest(user=user.login, model=model):
                    self.assertTrue(record)
                    try:
                        found = self.env[model].with_user(user).search([("id", "in", record.ids)])
                    except AccessError:
                        found = False  # no access to the model at all
                    self.assertFalse(found)

    def test_salesperson_writes_the_response_not_the_escalation(self):
        self.customer.user_id = self.salesperson
        event = (
            self.env["credit.event"]
            .sudo()
            .create({"name": "Cheque returned", "partner_id": self.customer.id})
        )
        mine = self._report(self.salesperson)
        as_sales = event.with_user(self.salesperson)
        as_sales.response_plan = "Collect a bank cheque on Monday."
        for vals in ({"deadline": "2099-01-01"}, {"severity": "low"}, {"description": "x"}):
            with self.assertRaises(UserError):
                as_sales.write(vals)
        mine.with_user(self.salesperson).description = "The bank refused it twice."
        with self.assertRaises(UserError):
            mine.with_user(self.salesperson).deadline = "2099-01-01"
