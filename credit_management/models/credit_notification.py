"""What a credit button says it did: one notification for the web client."""

# what the web client does after the notification
RELOAD = {"type": "ir.actions.client", "tag": "soft_reload"}
CLOSE = {"type": "ir.actions.act_window_close"}


def credit_notification(title, message, kind="success", sticky=False, then=RELOAD):
    """A client action showing ``message`` under ``title``, then running ``then`` (reload the
    record by default; ``CLOSE`` from a wizard; ``None``: nothing)."""
    params = {"title": title, "message": message, "type": kind, "sticky": sticky}
    if then:
        params["next"] = then
    return {"type": "ir.actions.client", "tag": "display_notification", "params": params}
