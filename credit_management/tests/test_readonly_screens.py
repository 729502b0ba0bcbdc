from odoo.tests import HttpCase, tagged

from .common import CreditCommon

# the specification of the credit columns of the customer list and form
PARTNER_CREDIT = {
    "display_name": {},
    "credit_limit": {},
    "credit_exposure": {},
    "credit_available": {},
    "credit_utilization": {},
    "credit_overdue_amount": {},
    "credit_overdue_days": {},
    "credit_over_limit": {},
    "credit_is_overdue": {},
    "credit_status": {},
    "credit_rating_id": {"fields": {"display_name": {}}},
    "credit_next_review_date": {},
}


ORDER_CREDIT = {"name": {}, "credit_check_level": {}, "credit_hold_message": {}}


def customer_list(domain):
    """The call of the customer list with the credit columns, filtered by ``domain``."""
    return (
        "res.partner",
        "web_search_read",
        [domain],
        {"specification": PARTNER_CREDIT, "limit": 80},
    )


def form(model, record_id, specification):
    """The call of a record's form."""
    return (model, "web_read", [[record_id]], {"specification": specification})


@tagged("post_install", "-at_install")
class TestReadonlyScreens(CreditCommon, HttpCase):
    """The screens that only read (lists, forms, searches, graphs and pivots of the credit
    figures) work on a read-only transaction, as Odoo 18 gives them (and as a replica set with
    db_replica_host serves them): nothing they compute writes. Odoo runs a read-only request
    that tries to write again on the primary and logs a warning: none must be logged."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._invoice(cls.customer, 900.0, days_ago=60, due_in=30)
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": cls.salesperson.id,
                "order_line": [(0, 0, {"product_id": cls.product.id, "product_uom_qty": 3})],
            }
        )

    def _call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def _assert_read_only(self, login, calls):
        self.authenticate(login, login)
        with self.assertNoLogs("odoo.http", "WARNING"):
            for model, method, args, kwargs in calls:
                self._call(model, method, *args, **kwargs)

    def test_the_routes_of_these_screens_are_read_only(self):
        """Control: the calls below are served read-only (else the test would prove nothing);
        the logged reads of credit files run read/write on purpose (they write the log)."""
        readonly = self.env.registry["res.partner"].web_search_read._readonly
        self.assertTrue(readonly)
        self.assertTrue(self.env.registry["credit.exposure.snapshot"].web_read_group._readonly)
        self.assertFalse(self.env.registry["credit.file"].web_read._readonly)

    def test_finance_reads_the_credit_screens_on_a_read_only_cursor(self):
        customer = self.customer.id
        self._assert_read_only(
            "credit_analyst",
            [
                customer_list([("credit_over_limit", "=", True)]),
                customer_list([("credit_is_overdue", "=", True)]),
                form("res.partner", customer, PARTNER_CREDIT),
                (
                    "res.partner",
                    "web_read_group",
                    [[("customer_rank", ">=", 0)]],
                    {"fields": ["credit_limit:sum"], "groupby": ["credit_status"]},
                ),
                (
                    "credit.event",
                    "web_search_read",
                    [[]],
                    {"specification": {"name": {}, "severity": {}, "state": {}}},
                ),
                (
                    "credit.history",
                    "web_search_read",
                    [[("partner_id", "=", customer)]],
                    {"specification": {"kind": {}, "old_value": {}, "new_value": {}}},
                ),
                (
                    "credit.exposure.snapshot",
                    "web_read_group",
                    [[]],
                    {"fields": ["total:sum"], "groupby": ["date:month"]},
                ),
                (
                    "credit.assessment",
                    "web_search_read",
                    [[]],
                    {"specification": {"name": {}, "state": {}, "total_score": {}}},
                ),
                form("sale.order", self.order.id, ORDER_CREDIT),
            ],
        )

    def test_audit_and_sales_read_on_a_read_only_cursor(self):
        self._assert_read_only(
            "credit_auditor",
            [
                customer_list([("credit_over_limit", "=", True)]),
                form("res.partner", self.customer.id, PARTNER_CREDIT),
            ],
        )
        self._assert_read_only(
            "credit_sales",
            [
                form("sale.order", self.order.id, ORDER_CREDIT),
                (
                    "sale.order",
                    "web_search_read",
                    [[]],
                    {"specification": {"name": {}, "credit_check_level": {}}},
                ),
            ],
        )
