"""The credit file and its access log through the server: an RPC read of a file (JSON-RPC
through call_kw, and XML-RPC) is logged with its channel, and only auditors read the log."""

import xmlrpc.client

import pytest
from conftest import RpcError


def test_rpc_read_of_a_credit_file_is_logged(admin, salesperson):
    azure = admin.ref("base.res_partner_12")
    action = admin.execute("res.partner", "action_view_credit_file", [azure])
    file_id = action["res_id"]
    admin.execute("credit.file", "read", [file_id], ["partner_id", "credit_status"])
    # a program reading the file over XML-RPC with an auditor's account: logged too
    objects = xmlrpc.client.ServerProxy(f"{admin.url}/xmlrpc/2/object", allow_none=True)
    auditor_group = admin.ref("credit_management.group_credit_auditor")
    auditor = admin.execute(
        "res.users",
        "create",
        {
            "name": "E2E Auditor",
            "login": "e2e_auditor",
            "password": "e2e_auditor_pw",
            "groups_id": [(6, 0, [auditor_group, admin.ref("base.group_user")])],
        },
    )
    objects.execute_kw(
        admin.db,
        auditor,
        "e2e_auditor_pw",
        "credit.file",
        "read",
        [[file_id]],
        {"fields": ["partner_id"]},
    )
    with pytest.raises(RpcError):
        salesperson.execute("credit.file", "read", [file_id], ["partner_id"])

    with pytest.raises(RpcError):  # the manager is not an auditor
        admin.execute("credit.access.log", "search_read", [], ["channel"])
    admin.execute("res.users", "write", [admin.uid], {"groups_id": [(4, auditor_group)]})
    try:
        rows = admin.execute(
            "credit.access.log",
            "search_read",
            [("res_model", "=", "credit.file"), ("res_id", "=", file_id)],
            ["channel", "user_id", "ip_address"],
        )
    finally:
        admin.execute("res.users", "write", [admin.uid], {"groups_id": [(3, auditor_group)]})
    assert any(r["channel"] == "rpc" and r["user_id"][0] == admin.uid for r in rows)
    assert any(r["channel"] == "rpc" and r["user_id"][0] == auditor for r in rows)
    # the address is known for JSON-RPC through the web server's call_kw (XML-RPC runs
    # without an HTTP request in Odoo)
    assert any(r["ip_address"] == "127.0.0.1" for r in rows if r["user_id"][0] == admin.uid)
