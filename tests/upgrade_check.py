"""Run by `bin/cm test` in `odoo shell` on a database installed with the previous release of
the add-ons (.ci/upgrade-from) and then upgraded to this tree: what the migrations moved must
be where this version looks for it. Prints "upgrade check: ok" when everything holds."""

# ruff: noqa: F821  (env is given by odoo shell)

from odoo.modules.module import get_manifest

problems = []


def check(condition, what):
    if not condition:
        problems.append(what)


module = env["ir.module.module"].search([("name", "=", "credit_management")])
version = get_manifest("credit_management")["version"]
check(
    module.latest_version == version, f"credit_management at {module.latest_version}, not {version}"
)

# the crons run on a monitoring model each, their schedule kept
for xmlid, model, method in (
    ("ir_cron_credit_exposure_snapshot", "credit.monitoring.snapshot", "_cron_snapshot"),
    ("ir_cron_credit_overdue_check", "credit.monitoring.overdue", "_cron_overdue_check"),
    ("ir_cron_credit_review_scheduler", "credit.monitoring.review", "_cron_review_scheduler"),
    ("ir_cron_credit_early_warning", "credit.monitoring.early_warning", "_cron_early_warning"),
    ("ir_cron_credit_digest", "credit.monitoring.digest", "_cron_digest"),
    ("ir_cron_credit_files", "credit.monitoring.files", "_cron_credit_files"),
    ("ir_cron_credit_meetings", "credit.meeting", "_cron_plan_meetings"),
    ("ir_cron_credit_policy_reminder", "credit.policy", "_cron_remind"),
    ("ir_cron_credit_limit_increase_expiry", "credit.limit.increase", "_cron_expire"),
    ("ir_cron_credit_payment_promises", "credit.payment.promise", "_cron_check_promises"),
):
    cron = env.ref(f"credit_management.{xmlid}")
    check(cron.model_id.model == model, f"{xmlid} runs on {cron.model_id.model}, not {model}")
    check(hasattr(env[cron.model_id.model], method), f"{xmlid}: no {method}")
    cron.method_direct_trigger()

# the demo records answer to their new names, with their data
held = env.ref("credit_management.credit_order_held_demo", raise_if_not_found=False)
check(held and held.credit_hold_state == "held", "the held demo order lost its name or hold")
check(
    not env.ref("credit_management.credit_demo_order_held", raise_if_not_found=False),
    "the old demo xml id is still there",
)
approved = env.ref("credit_management.credit_assessment_approved_demo", raise_if_not_found=False)
check(approved and approved.state == "approved", "the approved demo assessment is lost")

# record rules are kept as users change them
rules = env["ir.model.data"].search(
    [("module", "=", "credit_management"), ("model", "=", "ir.rule")]
)
check(rules and all(rules.mapped("noupdate")), "record rules are not noupdate")

# what the old version wrote still reads the same way
history = env["credit.history"].search([])
check(history, "no credit history after the upgrade")
check(all(row.new_value for row in history), "history rows without their displayed value")
partner = approved.partner_id.with_company(approved.company_id)
check(partner.credit_rating_id == approved.approved_rating_id, "the approved rating is lost")
check(partner.credit_exposure >= 0 and partner.credit_available is not None, "no exposure")
env["credit.file.month"].search_count([])

if problems:
    print("upgrade check: FAILED")
    for problem in problems:
        print(" -", problem)
else:
    print("upgrade check: ok")
