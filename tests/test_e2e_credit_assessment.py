"""The credit assessment through the server: the demo salesperson fills in and submits the
form, finance (admin, a credit manager) scores and approves it, the customer is updated."""

import pytest
from conftest import RpcError


def test_salesperson_submits_finance_approves(admin, salesperson):
    customer = admin.execute(
        "res.partner", "create", {"name": "E2E Assessed Customer", "is_company": True}
    )
    assessment = salesperson.execute(
        "credit.assessment",
        "create",
        {
            "partner_id": customer,
            "type": "adhoc",
            "requested_limit": 8000.0,
            "annual_revenue": 300000.0,
            "sales_comment": "Orders every month.",
        },
    )
    submit = admin.ref("credit_management.action_credit_assessment_submit")
    salesperson.call(
        "/web/action/run",
        action_id=submit,
        context={
            "active_model": "credit.assessment",
            "active_id": assessment,
            "active_ids": [assessment],
        },
    )
    [row] = salesperson.execute("credit.assessment", "read", [assessment], ["state"])
    assert row["state"] == "submitted"
    with pytest.raises(RpcError):
        salesperson.execute("credit.assessment", "action_start_review", [assessment])

    admin.execute("credit.assessment", "action_start_review", [assessment])
    lines = admin.execute(
        "credit.assessment.line",
        "search_read",
        [("assessment_id", "=", assessment)],
        ["criterion_id"],
    )
    for line in lines:
        [top] = admin.execute(
            "credit.scorecard.level",
            "search_read",
            [("criterion_id", "=", line["criterion_id"][0])],
            ["id"],
            limit=1,
            order="score desc",
        )
        admin.execute("credit.assessment.line", "write", [line["id"]], {"level_id": top["id"]})
    [row] = admin.execute(
        "credit.assessment", "read", [assessment], ["total_score", "proposed_rating_id"]
    )
    assert row["total_score"] == pytest.approx(97.0)
    rating = row["proposed_rating_id"][0]
    admin.execute(
        "credit.assessment",
        "write",
        [assessment],
        {
            "approved_rating_id": rating,
            "approved_limit": 8000.0,
            "decision_reason": "The customer asked for 8,000 only.",
        },
    )
    admin.execute("credit.assessment", "action_approve", [assessment])
    [partner] = admin.execute(
        "res.partner",
        "read",
        [customer],
        ["credit_limit", "credit_rating_id", "credit_status", "credit_next_review_date"],
    )
    assert partner["credit_limit"] == 8000.0
    assert partner["credit_rating_id"][0] == rating
    assert partner["credit_status"] == "approved"
    assert partner["credit_next_review_date"]
