"""The demo, as a finance manager and as a salesperson see it through the server."""

import datetime

import pytest
from conftest import RpcError

EXPOSURE_FIELDS = [
    "credit_status",
    "credit_exposure",
    "credit_available",
    "credit_overdue_amount",
    "credit_overdue_days",
    "credit_draft_invoice_amount",
    "credit_uninvoiced_order_amount",
    "credit_receivable_not_due",
    "credit_unapplied_credits",
    "credit_utilization",
    "credit_over_limit",
]


def _days(n):
    return (datetime.date.today() + datetime.timedelta(days=n)).isoformat()


def _invoice(admin, partner, amount, invoice_days, due_days, post=True):
    move = admin.execute(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": partner,
            "invoice_date": _days(invoice_days),
            "invoice_date_due": _days(due_days),
            "invoice_payment_term_id": False,
            "invoice_line_ids": [
                (0, 0, {"name": "e2e goods", "quantity": 1, "price_unit": amount, "tax_ids": []})
            ],
        },
    )
    if post:
        admin.execute("account.move", "action_post", [move])
    return move


def test_partner_form_has_the_credit_tab_with_figures(admin):
    views = admin.execute("res.partner", "get_views", [[False, "form"]])
    arch = views["views"]["form"]["arch"]
    assert 'name="credit_management"' in arch
    assert "credit_exposure" in arch

    # a customer of its own: every figure is what this test built
    customer = admin.execute(
        "res.partner",
        "create",
        {"name": "E2E Figures Ltd", "is_company": True, "credit_limit": 1000.0},
        context={"credit_change_reason": "e2e set-up"},
    )
    _invoice(admin, customer, 750.0, -40, -20)  # 20 days overdue
    _invoice(admin, customer, 300.0, -5, 25)  # not due
    _invoice(admin, customer, 400.0, 0, 30, post=False)  # draft
    [row] = admin.execute("res.partner", "read", [customer], EXPOSURE_FIELDS + ["credit_limit"])
    assert row == {
        "id": customer,
        "credit_status": False,
        "credit_limit": 1000.0,
        "credit_receivable_not_due": 300.0,
        "credit_overdue_amount": 750.0,
        "credit_overdue_days": 20,
        "credit_unapplied_credits": 0.0,
        "credit_draft_invoice_amount": 400.0,
        "credit_uninvoiced_order_amount": 0.0,
        "credit_exposure": 1450.0,
        "credit_available": -450.0,
        "credit_utilization": pytest.approx(145.0),
        "credit_over_limit": True,
    }
    over = admin.execute("res.partner", "search", [("credit_over_limit", "=", True)])
    assert customer in over
    overdue = admin.execute("res.partner", "search", [("credit_is_overdue", "=", True)])
    assert customer in overdue


def test_filters_agree_with_the_figures(admin):
    over = admin.execute("res.partner", "search", [("credit_over_limit", "=", True)])
    assert admin.ref("base.res_partner_12") in over
    rows = admin.execute(
        "res.partner", "read", over, ["credit_exposure", "credit_limit", "credit_over_limit"]
    )
    assert all(r["credit_over_limit"] and r["credit_exposure"] > r["credit_limit"] for r in rows)
    on_hold = admin.execute("res.partner", "search", [("credit_on_hold", "=", True)])
    assert admin.ref("base.res_partner_3") in on_hold
    review_due = admin.execute("res.partner", "search", [("credit_review_due", "=", True)])
    assert admin.ref("base.res_partner_12") in review_due
    assert admin.ref("base.res_partner_2") not in review_due


def test_customer_credit_list_groups_by_status(admin):
    groups = admin.execute(
        "res.partner",
        "read_group",
        [("parent_id", "=", False), ("is_company", "=", True)],
        ["credit_status"],
        ["credit_status"],
        lazy=False,
    )
    statuses = {g["credit_status"] for g in groups}
    assert {"approved", "watch", "hold"} <= statuses


def test_salesperson_reads_the_summary_but_cannot_change_status(salesperson, admin):
    deco = admin.ref("base.res_partner_2")
    [row] = salesperson.execute(
        "res.partner", "read", [deco], ["credit_status", "credit_available"]
    )
    assert row["credit_status"] == "approved"
    with pytest.raises(RpcError) as refused:
        salesperson.execute("res.partner", "write", [deco], {"credit_status": "blocked"})
    assert refused.value.exception_name == "odoo.exceptions.AccessError"
    with pytest.raises(RpcError):
        salesperson.execute(
            "credit.hold.wizard",
            "create",
            {"partner_id": deco, "new_status": "hold", "reason": "e2e"},
        )
    [row] = admin.execute("res.partner", "read", [deco], ["credit_status"])
    assert row["credit_status"] == "approved"


def test_finance_places_a_hold_through_the_wizard(admin):
    ready_mat = admin.ref("base.res_partner_4")
    wizard = admin.execute(
        "credit.hold.wizard",
        "create",
        {"partner_id": ready_mat, "new_status": "hold", "reason": "Insolvency notice (e2e)"},
    )
    admin.execute("credit.hold.wizard", "action_confirm", [wizard])
    [row] = admin.execute(
        "res.partner",
        "read",
        [ready_mat],
        ["credit_status", "credit_hold_reason", "credit_on_hold"],
    )
    assert row == {
        "id": ready_mat,
        "credit_status": "hold",
        "credit_hold_reason": "Insolvency notice (e2e)",
        "credit_on_hold": True,
    }
    messages = admin.execute(
        "mail.message",
        "search_read",
        [("model", "=", "res.partner"), ("res_id", "=", ready_mat), ("body", "ilike", "e2e")],
        ["body", "author_id"],
    )
    assert len(messages) == 1
    assert "Insolvency notice (e2e)" in messages[0]["body"]
