from odoo import api, fields, models


class CreditFile(models.Model):
    """The credit file of a customer in a company (P3.2.1): its assessments, the history of
    its credit profile, its credit events, releases of held documents, documents, and a
    summary of transactions per month. Kept by finance (P5.1.1), read by audit."""

    _name = "credit.file"
    _description = "Customer Credit File"
    _inherit = ("mail.thread", "credit.access.logged")
    _order = "partner_id, company_id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    rating_id = fields.Many2one("credit.rating", compute="_compute_profile")
    credit_limit = fields.Monetary(compute="_compute_profile")
    credit_status = fields.Char(compute="_compute_profile", string="Status")
    promise_record = fields.Char(
        string="Promises to Pay (12 months)", compute="_compute_promise_record"
    )
    assessment_ids = fields.Many2many("credit.assessment", compute="_compute_links")
    event_ids = fields.Many2many("credit.event", compute="_compute_links")
    release_ids = fields.Many2many("credit.release", compute="_compute_links")
    document_ids = fields.Many2many(
        "credit.assessment.document", string="Documents", compute="_compute_links"
    )
    history_ids = fields.One2many("credit.history", "file_id", readonly=True)
    month_ids = fields.One2many("credit.file.month", "file_id", readonly=True)
    notes = fields.Html()

    _sql_constraints = (
        (
            "partner_company_unique",
            "UNIQUE(partner_id, company_id)",
            "One credit file per customer and company.",
        ),
    )

    def _compute_profile(self):
        for file in self:
            partner = file.partner_id.with_company(file.company_id).sudo()
            file.rating_id = partner.credit_rating_id
            file.credit_limit = partner.credit_limit
            file.credit_status = dict(
                partner._fields["credit_status"]._description_selection(self.env)
            ).get(partner.credit_status, "")

    def _compute_promise_record(self):
        Promise = self.env["credit.payment.promise"]
        for company in self.company_id:
            files = self.filtered(lambda f, c=company: f.company_id == c)
            record = Promise._record(files.partner_id, company)
            for file in files:
                kept, broken = record.get(file.partner_id.id, (0, 0))
                file.promise_record = self.env._(
                    "%(kept)s kept, %(broken)s broken", kept=kept, broken=broken
                )

    def _compute_links(self):
        for file in self:
            domain = [
                ("partner_id", "=", file.partner_id.id),
                ("company_id", "=", file.company_id.id),
            ]
            file.assessment_ids = self.env["credit.assessment"].search(domain)
            file.event_ids = self.env["credit.event"].search(domain)
            file.release_ids = self.env["credit.release"].search(domain)
            file.document_ids = file.assessment_ids.document_ids

    @api.model
    def _for_partner(self, partner, company):
        """The credit file of the commercial partner in the company, created when first needed."""
        commercial = partner.commercial_partner_id
        return self._for_partners(commercial, company)[commercial.id]

    @api.model
    def _for_partners(self, partners, company):
        """``{commercial_partner_id: credit.file}`` for ``partners`` in ``company``: one search,
        and one create for the files still missing."""
        commercial = partners.commercial_partner_id
        File = self.sudo()
        files = {
            file.partner_id.id: file
            for file in File.search(
                [("partner_id", "in", commercial.ids), ("company_id", "=", company.id)]
            )
        }
        missing = [pid for pid in commercial.ids if pid not in files]
        if missing:
            # made when first needed, by whatever needed it: no "created" note on each
            created = File.with_context(mail_create_nolog=True).create(
                [{"partner_id": pid, "company_id": company.id} for pid in missing]
            )
            files.update({file.partner_id.id: file for file in created})
        return files
