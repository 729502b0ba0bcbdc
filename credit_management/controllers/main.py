from odoo import http
from odoo.http import request

from odoo.addons.web.controllers.binary import Binary


class CreditBinary(Binary):
    def _credit_content_readonly(self):
        """Downloads run in read-only transactions, except those of credit records: their
        download is written to the credit access log."""
        http_request = request.httprequest
        model = http_request.args.get("model")
        parts = http_request.path.split("/")
        if not model and len(parts) > 4 and parts[1:3] == ["web", "content"]:
            model = parts[3]  # /web/content/<model>/<id>/<field>
        registry = request.registry
        return not (model in registry and getattr(registry[model], "_credit_access_logged", False))

    @http.route(readonly=_credit_content_readonly)
    def content_common(self, *args, **kwargs):
        return super().content_common(*args, **kwargs)
