from odoo import api, fields, models


class CreditReleaseWizard(models.TransientModel):
    _inherit = "credit.release.wizard"

    picking_id = fields.Many2one("stock.picking", string="Delivery", readonly=True)

    def _document(self):
        return super()._document() or self.picking_id

    @api.depends("picking_id")
    def _compute_decision(self):
        return super()._compute_decision()
