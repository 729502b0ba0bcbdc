"""18.0.1.2.0: demo records are named ``<what>_demo``; the monitoring crons moved to a model
each (credit.monitoring.*), done after the update (post-migration)."""

# demo records now end in "_demo": (old name, new name), without the module prefix
RENAMED_XMLIDS = [
    ("credit_demo_assessment_approved", "credit_assessment_approved_demo"),
    ("credit_demo_invoice_overdue", "credit_invoice_overdue_demo"),
    ("credit_demo_invoice_not_due", "credit_invoice_not_due_demo"),
    ("credit_demo_invoice_draft", "credit_invoice_draft_demo"),
    ("credit_demo_order_held", "credit_order_held_demo"),
    ("credit_demo_assessment_submitted", "credit_assessment_submitted_demo"),
]


def migrate(cr, version):
    if not version:
        return
    for old, new in RENAMED_XMLIDS:
        cr.execute(
            """
            UPDATE ir_model_data SET name = %s
             WHERE module = 'credit_management' AND name = %s
               AND NOT EXISTS (SELECT 1 FROM ir_model_data
                                WHERE module = 'credit_management' AND name = %s)
            """,
            (new, old, new),
        )
