"""18.0.1.2.0: each monitoring cron runs on a model of its own (credit.monitoring.*): the
crons are kept (noupdate, users may have changed their schedule) and pointed at their new
model. Record rules are now kept as users change them (noupdate), as the security file says."""

from odoo import SUPERUSER_ID, api

CRON_MODELS = {
    "ir_cron_credit_exposure_snapshot": "credit.monitoring.snapshot",
    "ir_cron_credit_overdue_check": "credit.monitoring.overdue",
    "ir_cron_credit_review_scheduler": "credit.monitoring.review",
    "ir_cron_credit_early_warning": "credit.monitoring.early_warning",
}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid, model in CRON_MODELS.items():
        cron = env.ref(f"credit_management.{xmlid}", raise_if_not_found=False)
        if cron:
            cron.write({"model_id": env["ir.model"]._get_id(model)})
    cr.execute(
        """
        UPDATE ir_model_data SET noupdate = TRUE
         WHERE module = 'credit_management' AND model = 'ir.rule'
        """
    )
