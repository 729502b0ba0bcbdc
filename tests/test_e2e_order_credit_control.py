"""Order credit control through the server, as the demo salesperson and the finance manager
(admin) use it: held on confirmation, no way around it over RPC, released by finance, and
two confirmations at the same moment served by two server threads."""

import threading

import pytest
from conftest import OdooClient, RpcError


def _quotation(client, partner_id, amount, product):
    return client.execute(
        "sale.order",
        "create",
        {
            "partner_id": partner_id,
            "order_line": [
                (0, 0, {"product_id": product, "price_unit": amount, "tax_id": [(6, 0, [])]})
            ],
        },
    )


def _read(client, order_id, fields):
    return client.execute("sale.order", "read", [order_id], fields)[0]


def test_demo_held_order_waits_for_finance(admin):
    held = admin.ref("credit_management.credit_order_held_demo")
    action = admin.execute(
        "ir.actions.act_window",
        "search_read",
        [("id", "=", admin.ref("credit_management.sale_order_credit_hold_action"))],
        ["domain"],
    )[0]
    assert "credit_hold_state" in action["domain"]
    assert held in admin.execute("sale.order", "search", [("credit_hold_state", "=", "held")])


def test_salesperson_cannot_confirm_over_limit_through_rpc(admin, salesperson):
    azure = admin.ref("base.res_partner_12")
    order_id = _quotation(salesperson, azure, 900.0, admin.ref("product.product_product_4"))
    result = salesperson.execute("sale.order", "action_confirm", [order_id])
    assert result["tag"] == "display_notification"
    # Azure's overdue invoice is covered by its unapplied payments (netted): over the limit
    assert "Over credit limit" in result["params"]["message"]
    order = _read(salesperson, order_id, ["state", "credit_hold_state", "credit_check_level"])
    assert (order["state"], order["credit_hold_state"]) == ("draft", "held")

    with pytest.raises(RpcError, match="confirmed with the Confirm button"):
        salesperson.execute("sale.order", "write", [order_id], {"state": "sale"})
    with pytest.raises(RpcError, match="changed only by finance"):
        salesperson.execute("sale.order", "write", [order_id], {"credit_hold_state": "released"})
    assert _read(admin, order_id, ["state"])["state"] == "draft"

    # finance (the admin is credit manager) releases it with a reason
    wizard = admin.execute(
        "credit.release.wizard",
        "create",
        {"order_id": order_id, "answer": "release", "reason": "Bank guarantee received"},
    )
    admin.execute("credit.release.wizard", "action_confirm", [wizard])
    order = _read(admin, order_id, ["state", "credit_hold_state"])
    assert (order["state"], order["credit_hold_state"]) == ("sale", "released")
    [release] = admin.execute(
        "credit.release",
        "search_read",
        [("order_id", "=", order_id)],
        ["answer", "reason", "rule_codes", "user_id"],
    )
    assert release["answer"] == "release"
    assert release["reason"] == "Bank guarantee received"
    assert "over_limit" in release["rule_codes"]
    assert release["user_id"][0] == admin.uid


def test_two_confirmations_at_the_same_moment(admin, salesperson):
    customer = admin.execute(
        "res.partner",
        "create",
        {"name": "E2E Race Customer", "is_company": True, "credit_limit": 1000.0},
        context={"credit_change_reason": "E2E race"},
    )
    # the customer is not assessed: this test is about the limit, not the new-customer rule
    company = admin.ref("base.main_company")
    [saved] = admin.execute("res.company", "read", [company], ["credit_new_customer_rule"])
    admin.execute("res.company", "write", [company], {"credit_new_customer_rule": "off"})
    try:
        _race(admin, salesperson, customer)
    finally:
        admin.execute(
            "res.company",
            "write",
            [company],
            {"credit_new_customer_rule": saved["credit_new_customer_rule"]},
        )


def _race(admin, salesperson, customer):
    product = admin.ref("product.product_product_4")
    orders = [
        _quotation(salesperson, customer, 600.0, product),
        _quotation(admin, customer, 600.0, product),
    ]
    # a second session for the salesperson, so that each thread has its own HTTP session
    clients = [OdooClient(salesperson.url, salesperson.db, "demo", "demo"), admin]
    barrier = threading.Barrier(2)
    errors = []

    def confirm(client, order_id):
        try:
            barrier.wait()
            client.execute("sale.order", "action_confirm", [order_id])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [
        threading.Thread(target=confirm, args=(client, order_id))
        for client, order_id in zip(clients, orders, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    rows = admin.execute("sale.order", "read", orders, ["state", "credit_hold_state"])
    assert sorted((r["state"], r["credit_hold_state"]) for r in rows) == [
        ("draft", "held"),
        ("sale", False),
    ]
