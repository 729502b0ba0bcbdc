from odoo import models


class IrBinary(models.AbstractModel):
    _inherit = "ir.binary"

    def _record_to_stream(self, record, field_name):
        """A download of a credit record's file (an assessment document, through its field or
        through its attachment) is written to the credit access log."""
        stream = super()._record_to_stream(record, field_name)
        owner = record
        if record._name == "ir.attachment" and record.res_model in self.env and record.res_id:
            owner = self.env[record.res_model].browse(record.res_id)
        if getattr(owner, "_credit_access_logged", False):
            self.env["credit.access.log"]._log(owner, "download")
        return stream
