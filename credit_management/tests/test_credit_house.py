from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import tagged

from ..models.credit_exposure import EXPOSURE_FIGURES, SNAPSHOT_FIGURES
from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestCreditHouse(CreditCommon):
    """What the layout promises: one list of figures, one writer of the status, one guard on
    the fields only finance or the workflow write (kept under sudo() acting for a user), one
    batching helper for every cron."""

    def test_every_figure_has_its_fields(self):
        partner_fields = self.env["res.partner"]._fields
        snapshot_fields = self.env["credit.exposure.snapshot"]._fields
        exposure = self.exposure(self.customer)
        self.assertEqual(set(exposure), {figure.key for figure in EXPOSURE_FIGURES})
        for figure in EXPOSURE_FIGURES:
            if figure.partner_field:
                self.assertIn(figure.partner_field, partner_fields)
                self.assertEqual(
                    partner_fields[figure.partner_field].compute, "_compute_credit_exposure"
                )
        self.assertTrue(set(SNAPSHOT_FIGURES) <= set(snapshot_fields))
        # every partner field computed from the exposure is one figure of the list
        computed = {
            name
            for name, field in partner_fields.items()
            if field.compute == "_compute_credit_exposure"
        }
        self.assertEqual(computed, {f.partner_field for f in EXPOSURE_FIGURES if f.partner_field})

    def test_explanation_lists_every_bucket_of_the_total(self):
        self._invoice(self.customer, 300.0, due_in=30)
        self._order(self.customer, 200.0)
        message = self.env["credit.decision"]._decide(self.customer, 100.0, self.company)["message"]

        def money(amount):
            return self.env["credit.decision"]._money(amount, self.company)

        self.assertIn(
            f"Exposure {money(500)} = receivable not due {money(300)} + overdue {money(0)} + "
            f"unapplied credits {money(0)} + draft invoices {money(0)} + uninvoiced orders "
            f"{money(200)}.",
            message,
        )
        self.assertIn(
            f"Limit {money(2500)}, available before this document {money(2000)}.", message
        )

    def test_one_writer_of_the_status_with_its_reason(self):
        partner = self.customer.with_company(self.company)
        event = self.env["credit.event"].create(
            {"name": "Bounced cheque", "partner_id": partner.id, "event_type": "returned_payment"}
        )
        event.with_user(self.analyst).action_hold_customer()
        self.assertEqual(partner.credit_status, "hold")
        self.assertIn("Bounced cheque", partner.credit_hold_reason)
        history = self.env["credit.history"].search(
            [("partner_id", "=", partner.id), ("kind", "=", "status")]
        )
        self.assertRecordValues(
            history,
            [{"new_status": "hold", "reason": "Bounced cheque", "user_id": self.analyst.id}],
        )
        note = partner.message_ids.filtered(lambda m: "Reason: Bounced cheque" in (m.body or ""))
        self.assertTrue(note, "the chatter says why the status changed")
        # asked again, nothing changes and nothing more is written
        self.assertFalse(
            partner._credit_set_status("hold", "Again", only_from=("approved", "watch"))
        )
        self.assertEqual(len(history.search([("id", "in", history.ids)])), 1)

    def test_sudo_acting_for_a_user_does_not_pass_the_guard(self):
        order = self._order(self.customer, 3000.0, confirm=False)
        order.action_confirm()
        self.assertEqual(order.credit_hold_state, "held")
        for records, vals in (
            (self.customer, {"credit_status": "approved"}),
            (self.customer, {"credit_limit": 99999.0}),
            (order, {"credit_hold_state": "released"}),
        ):
            with self.assertRaises(AccessError):
                records.with_user(self.salesperson).sudo().write(vals)
        assessment = self.env["credit.assessment"].create({"partner_id": self.customer.id})
        with self.assertRaises(AccessError):
            assessment.with_user(self.salesperson).sudo().write({"state": "approved"})
        # the workflow itself writes them
        order._credit_workflow_write({"credit_hold_state": "rejected"})
        self.assertEqual(order.credit_hold_state, "rejected")

    def test_batching_stops_looking_once_the_batch_is_full(self):
        second = self._second_company("Batch Company 2")
        companies = self.env["credit.monitoring"]._monitored_companies()
        self.assertIn(second, companies)
        asked, processed = [], []

        def work(company):
            asked.append(company)
            return [company.id] * 3

        def process(company, items):
            processed.extend(items)

        done = self.env["credit.monitoring"]._run_in_batches(work, process, 2)
        self.assertEqual(done, 2)
        self.assertEqual(asked, [companies[0]])  # the next companies wait for the next call
        self.assertEqual(processed, [companies[0].id] * 2)

    def test_a_branch_counts_in_its_root_company_everywhere(self):
        """The company scope is the root company and its branches, for every accounting read:
        the exposure, the credit file's months and the payment record."""
        self.company.write({"child_ids": [Command.create({"name": "Credit Branch"})]})
        self.env.cr.precommit.run()  # the branch's accounting
        branch = self.company.child_ids
        self.env.user.company_ids |= branch
        self.assertEqual(self.company._credit_scope_ids(), (self.company | branch).ids)
        self._invoice(self.customer, 300.0, due_in=30)
        self._invoice(self.customer, 200.0, due_in=30, company=branch)
        self.assertEqual(self.exposure(self.customer)["total"], 500.0)
        file = self.env["credit.file"]._for_partner(self.customer, self.company)
        self.env.flush_all()
        file.invalidate_recordset()
        self.assertEqual(sum(file.month_ids.mapped("invoiced")), 500.0)
        self.assertEqual(sum(file.month_ids.mapped("invoice_count")), 2)

    def test_context_defaults_are_checked_like_values(self):
        Event = self.env["credit.event"].with_user(self.salesperson)
        for key in ("default_origin", "default_auto_hold", "default_state"):
            value = {"default_origin": "overdue_check", "default_state": "resolved"}.get(key, True)
            with self.assertRaises(AccessError):
                Event.with_context(**{key: value}).create(
                    {"name": "Forged", "partner_id": self.customer.id}
                )
        Partner = self.env["res.partner"].with_user(self.salesperson)
        for key, value in (("default_credit_status", "approved"), ("default_credit_limit", 9e6)):
            with self.assertRaises(AccessError):
                Partner.with_context(**{key: value}).create({"name": "Forged", "is_company": True})
        # what sales may set stays open to it: the scorecard of a new assessment
        scorecard = self.env["credit.scorecard"].search([], limit=1)
        assessment = (
            self.env["credit.assessment"]
            .with_user(self.salesperson)
            .create({"partner_id": self.customer.id, "scorecard_id": scorecard.id})
        )
        self.assertEqual(assessment.scorecard_id, scorecard)

    def test_a_credit_manager_may_run_the_crons(self):
        """A cron runs as its user: the monitoring models are open to credit managers."""
        for model in (
            "credit.monitoring.overdue",
            "credit.monitoring.early_warning",
            "credit.monitoring.review",
            "credit.monitoring.snapshot",
        ):
            self.env[model].with_user(self.manager).check_access("write")
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.salesperson).check_access("write")

    def test_reading_the_figures_of_many_customers_is_one_computation(self):
        """A list, an export or an RPC read of more customers than a prefetch batch (1,000)
        computes their exposure once: the number of queries does not depend on their count."""
        many = self.env["res.partner"].create(
            [{"name": f"Reader {i}", "is_company": True} for i in range(1200)]
        )
        self._invoice(many[0], 100.0)
        fnames = ["credit_exposure", "credit_over_limit", "credit_available"]
        self.count_queries(lambda: many[:10].read(fnames))  # warm the caches any call fills
        few_rows, few = self.count_queries(lambda: many[:10].read(fnames))
        exposure_class = type(self.env["credit.exposure"])
        with patch.object(
            exposure_class, "_get_exposure", autospec=True, side_effect=exposure_class._get_exposure
        ) as computed:
            rows, queries = self.count_queries(lambda: many.read(fnames))
        self.assertEqual(computed.call_count, 1)
        # Odoo's own read fetches ids by thousands: one query more, whatever the exposure
        self.assertLessEqual(queries, few + 1)
        self.assertEqual(rows[0]["credit_exposure"], 100.0)
        self.assertEqual(few_rows[0]["credit_exposure"], 100.0)

    def test_two_runs_of_a_cron_never_work_on_the_same_company(self):
        """The scheduler and a Run Now button (or two cron threads) at the same moment: the
        second run leaves a company alone while the first holds it, and says work remains."""
        monitoring = self.env["credit.monitoring.overdue"]
        asked = []

        def work(company):
            asked.append(company)
            return []

        with self.registry.cursor() as other_cr:
            other = api.Environment(other_cr, SUPERUSER_ID, {})["credit.monitoring.overdue"]
            self.assertTrue(other._lock_company(self.company))  # the other run is on it
            cron, progress = self.env.ref(
                "credit_management.ir_cron_credit_overdue_check"
            )._add_progress()
            monitoring.with_context(**cron.env.context)._run_in_batches(
                work, lambda company, items: None, 10
            )
            self.assertNotIn(self.company, asked)
            self.assertGreater(progress.remaining, 0)
            other_cr.rollback()  # the other run ends
        monitoring._run_in_batches(work, lambda company, items: None, 10)
        self.assertIn(self.company, asked)
        # another cron is another lock
        self.assertTrue(self.env["credit.monitoring.review"]._lock_company(self.company))
