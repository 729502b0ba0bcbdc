from odoo import api, models
from odoo.http import request

# Cursor cache key: depth of the logged calls in progress (only the outermost one logs).
LOGGING = "credit_management.access_logging"


class CreditAccessLogged(models.AbstractModel):
    """Records whose every opening is logged: lists and forms of the web client, downloads of
    their files, exports, and reads by programs over RPC (JSON-RPC, XML-RPC, call_kw)."""

    _name = "credit.access.logged"
    _description = "Credit Record with Access Log"
    _credit_access_logged = True

    def _credit_logged_call(self, channel, call, records=None):
        """Run ``call``; log ``channel`` for the outermost logged call only (a form's read
        inside a list, a read inside a form, are the same opening)."""
        cache = self.env.cr.cache
        outer = not cache.get(LOGGING)
        cache[LOGGING] = cache.get(LOGGING, 0) + 1
        try:
            result = call()
        finally:
            cache[LOGGING] -= 1
        if outer and channel:
            self.env["credit.access.log"]._log(records(result) if records else self, channel)
        return result

    @api.model
    def web_search_read(self, domain, specification, offset=0, limit=None, order=None, **kw):
        return self._credit_logged_call(
            "list",
            lambda: super(CreditAccessLogged, self).web_search_read(
                domain, specification, offset=offset, limit=limit, order=order, **kw
            ),
            lambda result: self.browse([row["id"] for row in result["records"]]),
        )

    def web_read(self, specification):
        return self._credit_logged_call(
            "form", lambda: super(CreditAccessLogged, self).web_read(specification)
        )

    def export_data(self, fields_to_export):
        return self._credit_logged_call(
            "export", lambda: super(CreditAccessLogged, self).export_data(fields_to_export)
        )

    def read(self, fields=None, load="_classic_read"):
        return self._credit_logged_call(
            self._credit_rpc_request("read") and "rpc",
            lambda: super(CreditAccessLogged, self).read(fields, load),
        )

    @api.model
    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None, **kwargs):
        return self._credit_logged_call(
            self._credit_rpc_request("search_read") and "rpc",
            lambda: super(CreditAccessLogged, self).search_read(
                domain, fields, offset, limit, order, **kwargs
            ),
            lambda result: self.browse([row["id"] for row in result]),
        )

    # the web client's reads run in read-only transactions (Odoo's api.readonly): these write
    # the log, so they run read/write
    web_search_read._readonly = False
    web_read._readonly = False
    export_data._readonly = False
    read._readonly = False
    search_read._readonly = False

    @api.model
    def _credit_rpc_request(self, method):
        """True when ``method`` is called by a program: over XML-RPC or JSON-RPC (Odoo runs
        those without an HTTP request, as the caller's user), or through call_kw (not the web
        client's forms and lists, which use web_read and web_search_read)."""
        if not request:
            return not self.env.su
        path = request.httprequest.path
        if path.startswith("/web/dataset/call_kw"):
            params = request.params
            return params.get("method") == method and params.get("model") == self._name
        return path.startswith(("/jsonrpc", "/xmlrpc", "/json/"))
