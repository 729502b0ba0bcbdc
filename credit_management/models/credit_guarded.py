from contextlib import contextmanager
from types import MappingProxyType

from odoo import SUPERUSER_ID, api, models
from odoo.exceptions import AccessError, UserError

# A guarded field written by the credit workflow only (its buttons, wizards and crons).
SYSTEM = "system"
# Cursor cache key: depth of the workflow writes in progress (a context key could be forged
# over RPC; the cursor cache cannot).
WORKFLOW = "credit_management.workflow_writing"


@contextmanager
def credit_workflow(env):
    """The writes inside are the credit workflow's own (a release, an approval, a cron): they
    may write the guarded fields whoever the user is."""
    cache = env.cr.cache
    depth = cache.get(WORKFLOW, 0)
    cache[WORKFLOW] = depth + 1
    try:
        yield
    finally:
        cache[WORKFLOW] = depth


def is_credit_workflow(env):
    """True inside :func:`credit_workflow`, and for the superuser itself (data files,
    migrations, the scheduler's own user): ``sudo()`` alone is not enough, since code acting
    for a user often runs as the superuser."""
    return env.uid == SUPERUSER_ID or bool(env.cr.cache.get(WORKFLOW))


class CreditGuarded(models.AbstractModel):
    """The one mechanism deciding who writes which credit fields, on every path (create,
    write, import, copy, RPC), and kept under ``sudo()`` when the code acts for a user.

    A model lists its guarded fields in ``_credit_guarded_fields``: ``{field: SYSTEM}`` for
    fields only the credit workflow writes, ``{field: group xml id}`` for fields only the
    members of that group write. ``_credit_append_only`` models keep their rows as written:
    nobody but the workflow changes or deletes them. A refused write raises
    :class:`AccessError` with the model's ``_credit_guard_message``.
    """

    _name = "credit.guarded"
    _description = "Credit Record with Guarded Fields"

    _credit_guarded_fields = MappingProxyType({})
    _credit_append_only = False

    def _credit_check_guarded(self, vals, create=False):
        """Raise unless the current user may write ``vals`` (on creation, empty values are
        defaults and are not checked)."""
        if is_credit_workflow(self.env):
            return
        if self._credit_append_only and not create:
            raise AccessError(self._credit_guard_message(set(vals), SYSTEM))
        refused = {}
        for fname, guard in self._credit_guarded_fields.items():
            if fname not in vals or (create and not vals[fname]):
                continue
            if guard == SYSTEM or not self.env.user.has_group(guard):
                refused.setdefault(guard, set()).add(fname)
        for guard, fnames in refused.items():
            raise AccessError(self._credit_guard_message(fnames, guard))

    def _credit_guard_message(self, fnames, guard):
        if self._credit_append_only:
            return self.env._("These credit records are kept as they were written.")
        labels = ", ".join(sorted(self._fields[f]._description_string(self.env) for f in fnames))
        if guard == SYSTEM:
            return self.env._(
                "%(fields)s of %(model)s are set by the credit workflow only.",
                fields=labels,
                model=self._description,
            )
        return self.env._(
            "%(fields)s of %(model)s are written by %(group)s only.",
            fields=labels,
            model=self._description,
            group=self.env.ref(guard).name,
        )

    def _credit_check_lock(self, vals, locked_states, message, fnames=None, allowed=()):
        """Outside the workflow, refuse ``vals`` on records whose ``state`` is one of
        ``locked_states``: the fields ``fnames`` when given, else every field but
        ``allowed``; ``message`` says why."""
        if is_credit_workflow(self.env):
            return
        touched = set(vals) & set(fnames) if fnames is not None else set(vals) - set(allowed)
        if touched and any(state in locked_states for state in self.mapped("state")):
            raise UserError(message)

    def _credit_workflow_write(self, vals):
        """Write ``vals`` as the credit workflow (guarded fields included)."""
        with credit_workflow(self.env):
            return self.sudo().write(vals)

    @api.model
    def _credit_workflow_create(self, vals_list):
        with credit_workflow(self.env):
            return self.sudo().create(vals_list)

    def _credit_context_defaults(self):
        """The guarded fields a ``default_<field>`` context key would set at creation: Odoo
        applies those after ``create`` receives its values, so they are checked as values."""
        context = self.env.context
        return {
            fname: context[f"default_{fname}"]
            for fname in self._credit_guarded_fields
            if f"default_{fname}" in context
        }

    @api.model_create_multi
    def create(self, vals_list):
        defaults = self._credit_context_defaults()
        for vals in vals_list:
            self._credit_check_guarded(defaults | vals, create=True)
        return super().create(vals_list)

    def write(self, vals):
        self._credit_check_guarded(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=True)
    def _unlink_except_append_only(self):
        if self._credit_append_only and not is_credit_workflow(self.env):
            raise AccessError(self._credit_guard_message(set(), SYSTEM))
