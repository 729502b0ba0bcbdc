import threading

from psycopg2 import errors

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user, tagged

COMPANY_SETTINGS = (
    "credit_control_enabled",
    "credit_include_uninvoiced_orders",
    "credit_overdue_grace_days",
    "credit_new_customer_rule",
)


@tagged("post_install", "-at_install")
class TestConcurrentConfirmation(TransactionCase):
    """Two salespeople confirm orders for the same customer at the same moment, each under
    the limit alone and over it together: exactly one order is confirmed, the other is held.

    Each salesperson works in a thread with its own database cursor and really commits, as two
    HTTP requests do; the data is committed first and removed afterwards."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            saved = company.read(COMPANY_SETTINGS)[0]
            company.write(
                {
                    "credit_control_enabled": True,
                    "credit_include_uninvoiced_orders": True,
                    "credit_overdue_grace_days": 0,
                    "credit_new_customer_rule": "off",
                }
            )
            partner = env["res.partner"].create(
                {"name": "Race Customer", "is_company": True, "credit_limit": 1000.0}
            )
            product = env["product.product"].create(
                {"name": "Race Widget", "type": "service", "list_price": 600.0, "taxes_id": []}
            )
            users = env["res.users"]
            orders = env["sale.order"]
            for login in ("race_sales_1", "race_sales_2"):
                user = new_test_user(
                    env,
                    login=login,
                    groups="sales_team.group_sale_salesman",
                    company_id=company.id,
                    company_ids=[Command.set(company.ids)],
                )
                users |= user
                orders |= (
                    env["sale.order"]
                    .with_user(user)
                    .create(
                        {
                            "partner_id": partner.id,
                            "order_line": [
                                Command.create(
                                    {"product_id": product.id, "price_unit": 600.0, "tax_id": []}
                                )
                            ],
                        }
                    )
                )
            self.data = {
                "company": company.id,
                "saved": {key: saved[key] for key in COMPANY_SETTINGS},
                "partner": partner.id,
                "product": product.id,
                "users": users.ids,
                "orders": orders.ids,
            }
        self.addCleanup(self._remove_data)

    def _remove_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].browse(self.data["orders"]).exists()
            orders._action_cancel()
            orders.unlink()
            users = env["res.users"].browse(self.data["users"])
            user_partners = users.partner_id
            users.unlink()
            user_partners.unlink()
            env["product.product"].browse(self.data["product"]).product_tmpl_id.unlink()
            # the customer's credit history and file go with it (the superuser only)
            domain = [("partner_id", "=", self.data["partner"])]
            env["credit.history"].search(domain).unlink()
            env["credit.file"].search(domain).unlink()
            env["res.partner"].browse(self.data["partner"]).unlink()
            env["res.company"].browse(self.data["company"]).write(self.data["saved"])

    def test_two_salespeople_confirm_at_the_same_moment(self):
        barrier = threading.Barrier(2, timeout=30)
        errors_seen, retried = [], []

        def confirm(uid, order_id):
            try:
                with self.registry.cursor() as cr:
                    env = self._thread_env(cr, uid)
                    # both transactions take their snapshot before either decides
                    env["sale.order"].browse(order_id).read(["amount_total"])
                    barrier.wait()
                    # as Odoo serves a request (odoo.service.model.retrying): on a
                    # serialisation failure, roll back and run the request again
                    for _attempt in range(5):
                        try:
                            env["sale.order"].browse(order_id).action_confirm()
                            env.flush_all()
                            cr.commit()  # pylint: disable=invalid-commit
                            return
                        except errors.SerializationFailure:
                            cr.rollback()
                            retried.append(uid)
                            env = self._thread_env(cr, uid)
                    raise AssertionError("still failing after 5 attempts")
            except Exception as error:  # noqa: BLE001 - reported by the main thread
                errors_seen.append(error)

        threads = [
            threading.Thread(target=confirm, args=(uid, order_id))
            for uid, order_id in zip(self.data["users"], self.data["orders"], strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse(errors_seen, [repr(e) for e in errors_seen])
        self.assertFalse(any(thread.is_alive() for thread in threads))

        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].browse(self.data["orders"])
            self.assertEqual(sorted(orders.mapped("state")), ["draft", "sale"])
            held = orders.filtered(lambda o: o.state == "draft")
            self.assertEqual(held.credit_hold_state, "held")
            self.assertEqual(held.credit_hold_rules, "over_limit")
            self.assertIn("1,200.00 exceeds the credit limit", held.credit_hold_message)
        # the second one waited for the first and decided again on a fresh snapshot
        self.assertEqual(len(retried), 1)

    def _thread_env(self, cr, uid):
        # bind the transaction to the loaded registry: looking the registry up by name would
        # wait for the registry lock that the test runner holds while it runs tests; for the
        # same reason notification e-mails are queued rather than sent after the commit
        cr.transaction = api.Transaction(self.registry)
        return api.Environment(cr, uid, {"mail_notify_force_send": False})
