"""The credit file and its access log through the server: an RPC read of a file is logged
with its channel and address, and only auditors read the log."""

import pytest
from conftest import RpcError


def test_rpc_read_of_a_credit_file_is_logged(admin, salesperson):
    azure = admin.ref("base.res_partner_12")
    action = admin.execute("res.partner", "action_view_credit_file", [azure])
    file_id = action["res_id"]
    admin.execute("credit.file", "read", [file_id], ["partner_id", "credit_status"])
    with pytest.raises(RpcError):
        salesperson.execute("credit.file", "read", [file_id], ["partner_id"])

    auditor_group = admin.ref("credit_management.group_credit_auditor")
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
    assert all(r["ip_address"] == "127.0.0.1" for r in rows if r["channel"] == "rpc")
