"""What every room of the add-on shares: the credit statuses, the credit roles, the
notification a button returns and the closing of a record's activities."""

# The credit statuses of a customer (partner, history, decision, wizards, releases).
CREDIT_STATUSES = [
    ("not_assessed", "Not Assessed"),
    ("approved", "Approved"),
    ("watch", "Watch"),
    ("hold", "On Hold"),
    ("blocked", "Blocked"),
]
# Statuses under which the customer gets no new credit, and the others.
HOLD_STATUSES = ("hold", "blocked")
OPEN_STATUSES = ("not_assessed", "approved", "watch")
# How far a status is from normal: a hold placed after a release ends it.
STATUS_RANK = {False: 0, "not_assessed": 0, "approved": 0, "watch": 1, "hold": 2, "blocked": 3}

# The credit roles (security/credit_management_groups.xml).
SALESPERSON = "credit_management.group_credit_salesperson"
ANALYST = "credit_management.group_credit_analyst"
MANAGER = "credit_management.group_credit_manager"
AUDITOR = "credit_management.group_credit_auditor"
BOARD = "credit_management.group_credit_board"
# Who reads the credit summary of a customer (the groups= of the partner's credit fields).
CREDIT_READERS = f"{SALESPERSON},{AUDITOR}"
INTERNAL = "base.group_user"

CLOSE = {"type": "ir.actions.act_window_close"}
# what the web client does after a notification
NEXT = {
    "reload": {"type": "ir.actions.client", "tag": "soft_reload"},  # reload the record
    "close": CLOSE,  # close the wizard's dialog (the record behind reloads)
    None: None,  # nothing
}


def credit_notification(title, message, kind="success", sticky=False, then="reload"):
    """A client action showing ``message`` under ``title``, then ``then`` (see ``NEXT``)."""
    params = {"title": title, "message": message, "type": kind, "sticky": sticky}
    if NEXT[then]:
        params["next"] = NEXT[then]
    return {"type": "ir.actions.client", "tag": "display_notification", "params": params}


def reader_env(env, user):
    """``env`` worded for ``user``: the messages, activities and figures meant for another
    user than the one acting are written in that user's language (English when the user has
    none; the acting user's when there is no such user)."""
    lang = user.lang if user else env.lang
    return env(context=dict(env.context, lang=lang or "en_US"))


def close_activities(records, activity_type_xmlid, feedback):
    """Mark done the activities of type ``activity_type_xmlid`` of ``records``, with
    ``feedback`` (the activities of other types stay)."""
    activity_type = records.env.ref(activity_type_xmlid)
    records.sudo().activity_ids.filtered(
        lambda activity: activity.activity_type_id == activity_type
    ).action_feedback(feedback=feedback)
