"""The demo, as a finance manager and as a salesperson see it through the server."""

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


def test_partner_form_has_the_credit_tab_with_figures(admin):
    views = admin.execute("res.partner", "get_views", [[False, "form"]])
    arch = views["views"]["form"]["arch"]
    assert 'name="credit_management"' in arch
    assert "credit_exposure" in arch

    azure = admin.ref("base.res_partner_12")
    [row] = admin.execute("res.partner", "read", [azure], EXPOSURE_FIELDS + ["credit_limit"])
    assert row["credit_status"] == "watch"
    assert row["credit_limit"] == 1000.0
    parts = (
        row["credit_receivable_not_due"]
        + row["credit_overdue_amount"]
        + row["credit_unapplied_credits"]
        + row["credit_draft_invoice_amount"]
        + row["credit_uninvoiced_order_amount"]
    )
    assert row["credit_exposure"] == pytest.approx(parts)
    # the demo gives Azure Interior an overdue invoice of 750 and a draft of 400
    assert row["credit_overdue_amount"] >= 750.0
    assert row["credit_overdue_days"] >= 15
    assert row["credit_draft_invoice_amount"] >= 400.0
    assert row["credit_available"] == pytest.approx(1000.0 - row["credit_exposure"])
    assert row["credit_over_limit"] is True


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
