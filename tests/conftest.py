"""End-to-end tests: they drive a running Odoo server over JSON-RPC, as a browser or an
integration would. ``bin/cm test`` installs the add-ons with demo data on a fresh database,
serves it on a free loopback port and sets CM_ODOO_URL / CM_ODOO_DB for these tests."""

import os

import pytest
import requests


class OdooClient:
    def __init__(self, url, db, login, password):
        self.url = url
        self.db = db
        self.session = requests.Session()
        response = self.call("/web/session/authenticate", db=db, login=login, password=password)
        self.uid = response["uid"]

    def call(self, path, **params):
        response = self.session.post(
            f"{self.url}{path}",
            json={"jsonrpc": "2.0", "method": "call", "params": params},
            timeout=120,
        )
        response.raise_for_status()
        payload = response.json()
        if "error" in payload:
            raise RpcError(payload["error"])
        return payload["result"]

    def execute(self, model, method, *args, **kwargs):
        return self.call(
            f"/web/dataset/call_kw/{model}/{method}",
            model=model,
            method=method,
            args=list(args),
            kwargs=kwargs,
        )

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        rows = self.execute(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            ["res_id"],
        )
        return rows[0]["res_id"]


class RpcError(Exception):
    def __init__(self, error):
        super().__init__(error.get("data", {}).get("message") or error.get("message"))
        self.error = error
        self.exception_name = error.get("data", {}).get("name", "")


def _server():
    url, db = os.environ.get("CM_ODOO_URL"), os.environ.get("CM_ODOO_DB")
    if not url or not db:
        pytest.skip("CM_ODOO_URL and CM_ODOO_DB are not set: run these tests with bin/cm test")
    return url, db


@pytest.fixture(scope="session")
def admin():
    url, db = _server()
    return OdooClient(url, db, "admin", "admin")


@pytest.fixture(scope="session")
def salesperson():
    # the demo user of Odoo's demo data is a sales user ("User: Own Documents Only")
    url, db = _server()
    return OdooClient(url, db, "demo", "demo")
