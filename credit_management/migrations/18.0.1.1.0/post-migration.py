"""18.0.1.1.0: the credit history keeps amounts, status keys and rating ids instead of the
display strings of 18.0.1.0.0; monitoring events know which cron opened them; the access log
names the model and the company of what was opened."""

from odoo import SUPERUSER_ID, api

STATUS_LABELS = {
    "Not Assessed": "not_assessed",
    "Approved": "approved",
    "Watch": "watch",
    "On Hold": "hold",
    "Blocked": "blocked",
}


def _to_float(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute(
        "SELECT 1 FROM information_schema.columns"
        " WHERE table_name = 'credit_history' AND column_name = 'old_value'"
    )
    if cr.fetchone():
        # the names were written in the language of whoever changed the rating: every
        # installed language, the company's own grades before the shared ones
        ratings, any_company = {}, {}
        languages = [code for code, _name in env["res.lang"].get_installed()]
        Rating = env["credit.rating"].with_context(active_test=False)
        for rating in Rating.search([], order="id"):
            for lang in languages:
                name = rating.with_context(lang=lang).name
                ratings.setdefault((rating.company_id.id, name), rating.id)
                any_company.setdefault(name, rating.id)

        def rating_id(company_id, name):
            return (
                ratings.get((company_id, name))
                or ratings.get((False, name))
                or any_company.get(name)
            )

        cr.execute("SELECT id, kind, old_value, new_value, company_id FROM credit_history")
        for row_id, kind, old, new, company_id in cr.fetchall():
            if kind in ("limit", "score"):
                values = (_to_float(old), _to_float(new), None, None, None, None)
            elif kind == "status":
                values = (None, None, STATUS_LABELS.get(old), STATUS_LABELS.get(new), None, None)
            else:
                values = (
                    None,
                    None,
                    None,
                    None,
                    rating_id(company_id, old),
                    rating_id(company_id, new),
                )
            cr.execute(
                """
                UPDATE credit_history
                   SET old_amount = %s, new_amount = %s, old_status = %s, new_status = %s,
                       old_rating_id = %s, new_rating_id = %s
                 WHERE id = %s
                """,
                (*values, row_id),
            )
    cr.execute(
        """
        UPDATE credit_event SET origin = 'overdue_check'
         WHERE event_type = 'overdue' AND COALESCE(overdue_days, 0) > 0
        """
    )
    cr.execute(
        "UPDATE credit_event SET origin = 'early_warning' WHERE event_type = 'early_warning'"
    )
    cr.execute(
        """
        UPDATE credit_access_log log
           SET model_id = m.id
          FROM ir_model m
         WHERE m.model = log.res_model AND log.model_id IS NULL
        """
    )
    cr.execute(
        """
        UPDATE credit_access_log log SET company_id = f.company_id
          FROM credit_file f
         WHERE log.res_model = 'credit.file' AND f.id = log.res_id AND log.company_id IS NULL
        """
    )
