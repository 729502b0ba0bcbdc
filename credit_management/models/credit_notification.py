"""What a credit button says it did: one notification for the web client."""

CLOSE = {"type": "ir.actions.act_window_close"}
# what the web client does after the notification
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
