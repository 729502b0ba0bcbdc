"""The README's screenshots, taken from the running demo as each role sees it.

    bin/cm screenshots            (the demo must be served: bin/cm serve)

Logs in as each demo user in headless Chromium (Debian's, through Python Playwright), opens
the role's main screens and writes docs/screenshots/<name>.png. A screen that shows an error
dialog makes the script fail, so a refreshed README never shows a broken screen. Records are
found by name over JSON-RPC, so the shots follow the demo data as it changes.
"""

import argparse
import pathlib
import sys

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ERRORS = ".o_error_dialog, .o_dialog_error, .o_notification.border-danger"
OUT = pathlib.Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def record_id(page, model, domain):
    """The id of the first record of ``model`` matching ``domain``, read as the logged-in
    user."""
    result = page.evaluate(
        """async ([model, domain]) => {
            const response = await fetch(`/web/dataset/call_kw/${model}/search`, {
                method: "POST",
                headers: {"Content-Type": "application/json"},
                body: JSON.stringify({jsonrpc: "2.0", method: "call", params: {
                    model, method: "search", args: [domain], kwargs: {limit: 1}}}),
            });
            return (await response.json()).result;
        }""",
        [model, domain],
    )
    if not result:
        raise SystemExit(f"no {model} matching {domain} in the demo")
    return result[0]


def set_lang(page, lang):
    """The user's own language, as the Preferences dialog writes it."""
    page.evaluate(
        """async (lang) => {
            const call = async (url, params) => (await (await fetch(url, {
                method: "POST",
                headers: {"Content-Type": "application/json"},
                body: JSON.stringify({jsonrpc: "2.0", method: "call", params}),
            })).json()).result;
            const session = await call("/web/session/get_session_info", {});
            await call("/web/dataset/call_kw/res.users/write", {
                model: "res.users", method: "write",
                args: [[session.uid], {lang}], kwargs: {},
            });
        }""",
        lang,
    )


def login(page, url, user):
    page.goto(f"{url}/web/login")
    page.fill("#login", user)
    page.fill("#password", user)
    page.click("button[type=submit]")
    page.wait_for_selector(".o_main_navbar", timeout=60000)


def shoot(page, url, path, name, click=None, lang=None):
    if lang:
        set_lang(page, lang)
    page.goto(f"{url}{path}")
    page.wait_for_selector(".o_action_manager .o_view_controller", timeout=60000)
    page.wait_for_timeout(2000)
    if click:
        page.click(click)
        page.wait_for_timeout(1500)
    if page.query_selector(ERRORS):
        raise SystemExit(f"{name}: the screen shows an error: {page.inner_text(ERRORS)[:300]}")
    page.screenshot(path=str(OUT / f"{name}.png"))
    print(f"docs/screenshots/{name}.png")
    if lang:
        set_lang(page, "en_US")


def partner(page, name):
    return record_id(page, "res.partner", [["name", "=", name]])


def held_order(page, customer):
    return record_id(
        page,
        "sale.order",
        [["partner_id.name", "=", customer], ["credit_hold_state", "=", "held"]],
    )


def assessment(page, customer):
    return record_id(page, "credit.assessment", [["partner_id.name", "=", customer]])


# (user, [(name, path or callable(page) -> path, click[, language])]): the demo's users and
# data
SCREENS = [
    (
        "demo",
        [
            (
                "salesperson-held-order",
                lambda page: (
                    "/odoo/action-sale.action_quotations_with_onboarding/"
                    f"{held_order(page, 'The Jackson Group')}"
                ),
                None,
            ),
            (
                "salesperson-customer-credit",
                lambda page: f"/odoo/contacts/{partner(page, 'The Jackson Group')}",
                ".o_notebook .nav-link[name='credit_management']",
            ),
        ],
    ),
    (
        "analyst",
        [
            (
                "analyst-held-orders",
                "/odoo/action-credit_management.sale_order_credit_hold_action",
                None,
            ),
            (
                "analyst-assessment-to-review",
                lambda page: (
                    "/odoo/action-credit_management.credit_assessment_action/"
                    f"{assessment(page, 'Ready Mat')}"
                ),
                ".o_notebook .nav-link[name='scoring']",
            ),
            (
                "analyst-customer-monitor",
                "/odoo/action-credit_management.credit_customer_monitor_action",
                None,
            ),
            ("analyst-credit-events", "/odoo/action-credit_management.credit_event_action", None),
            (
                "analyst-held-orders-zh_TW",
                "/odoo/action-credit_management.sale_order_credit_hold_action",
                None,
                "zh_TW",
            ),
        ],
    ),
    (
        "cmanager",
        [
            (
                "manager-dashboard",
                "/odoo/action-credit_management_reports.credit_dashboard_action",
                None,
            )
        ],
    ),
    (
        "board",
        [("board-policy", "/odoo/action-credit_management.credit_policy_action", None)],
    ),
    (
        "auditor",
        [
            (
                "auditor-credit-file",
                lambda page: (
                    "/odoo/action-credit_management.credit_file_action/"
                    f"{record_id(page, 'credit.file', [['partner_id.name', '=', 'Lumber Inc']])}"
                ),
                ".o_notebook .nav-link[name='history']",
            )
        ],
    ),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        for user, screens in SCREENS:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            login(page, args.url, user)
            for name, path, click, *lang in screens:
                path = path(page) if callable(path) else path
                shoot(page, args.url, path, name, click, *lang)
            page.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
