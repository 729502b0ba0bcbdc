from odoo import api, models
from odoo.tools import SQL


class CreditMonitoringFiles(models.AbstractModel):
    """Every customer with credit has a credit file (P3.2.1): a monthly cron opens, in one
    create per batch, the files of the customers with a limit, a confirmed order or a posted
    invoice in the company's scope that have none yet (a file otherwise opens when first
    needed). The file's monthly summary is a view of the books, always current."""

    _name = "credit.monitoring.files"
    _inherit = "credit.monitoring"
    _description = "Credit Monitoring: Credit Files"

    @api.model
    def _cron_credit_files(self, batch_size=5000):
        def work(company):
            return self._customers_without_file(company)

        def process(company, partner_ids):
            self.env["credit.file"]._for_partners(
                self.env["res.partner"].browse(partner_ids), company
            )

        return self._run_in_batches(work, process, batch_size)

    @api.model
    def _customers_without_file(self, company):
        Partner = self.env["res.partner"].sudo().with_company(company)
        for model, fnames in (
            ("sale.order", ["partner_id", "company_id", "state"]),
            ("account.move", ["commercial_partner_id", "company_id", "move_type", "state"]),
            ("credit.file", ["partner_id", "company_id"]),
        ):
            self.env[model].flush_model(fnames)
        Partner.flush_model(["commercial_partner_id", "credit_limit", "active"])
        scope = company._credit_scope_ids()
        return [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """
                    SELECT p.id FROM res_partner p
                     WHERE p.id = p.commercial_partner_id AND p.active
                       AND NOT EXISTS (SELECT 1 FROM credit_file f
                                        WHERE f.partner_id = p.id AND f.company_id = %(company)s)
                       AND (COALESCE(%(limit)s, 0) > 0
                            OR EXISTS (SELECT 1 FROM sale_order so
                                         JOIN res_partner sp ON sp.id = so.partner_id
                                        WHERE sp.commercial_partner_id = p.id
                                          AND so.company_id = ANY(%(scope)s)
                                          AND so.state = 'sale')
                            OR EXISTS (SELECT 1 FROM account_move am
                                        WHERE am.commercial_partner_id = p.id
                                          AND am.company_id = ANY(%(scope)s)
                                          AND am.move_type IN ('out_invoice', 'out_refund')
                                          AND am.state = 'posted'))
                  ORDER BY p.id
                    """,
                    company=company.id,
                    limit=Partner._field_to_sql("p", "credit_limit"),
                    scope=list(scope),
                )
            )
        ]
