import secrets
from types import MappingProxyType

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import consteq

from .credit_guarded import SYSTEM

# days a prospect has to apply before the link stops working
INVITE_VALID_DAYS = 30
# what the workflow alone writes: the link, its use and who sent it
INVITE_SYSTEM_FIELDS = (
    "state",
    "access_token",
    "user_id",
    "sent_date",
    "used_date",
    "assessment_id",
    "applicant_name",
    "applicant_email",
)


# what the link was sent for: kept once sent
INVITE_LINK_FIELDS = ("partner_id", "contact_id", "company_id", "expiry_date")
# the largest id PostgreSQL keeps in an integer column
MAX_ID = 2**31 - 1


class CreditApplicationInvite(models.Model):
    """P4.1.1: a salesperson invites a prospect without a portal account to apply for credit.
    The e-mail carries a link to the public application form; the link works once, for the
    invited customer only, until it expires or a newer invitation replaces it."""

    _name = "credit.application.invite"
    _description = "Credit Application Invitation"
    _inherit = ("mail.thread", "credit.guarded")
    _order = "id desc"
    _rec_name = "partner_id"

    _credit_guarded_fields = MappingProxyType(dict.fromkeys(INVITE_SYSTEM_FIELDS, SYSTEM))

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('parent_id', '=', False)]",
        tracking=True,
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Send To",
        required=True,
        domain="['|', ('id', '=', partner_id), ('parent_id', '=', partner_id)]",
        help="Who receives the invitation: the customer or one of its contacts, with an e-mail.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Invited By",
        default=lambda self: self.env.user,
        readonly=True,
        copy=False,
        index=True,
    )
    expiry_date = fields.Date(
        string="Valid Until",
        required=True,
        default=lambda self: (
            fields.Date.context_today(self) + relativedelta(days=INVITE_VALID_DAYS)
        ),
        tracking=True,
    )
    state = fields.Selection(
        string="Status",
        selection=[
            ("draft", "Draft"),
            ("sent", "Sent"),
            ("used", "Applied"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    access_token = fields.Char(copy=False, readonly=True, groups="base.group_system")
    sent_date = fields.Datetime(readonly=True, copy=False)
    used_date = fields.Datetime(string="Applied On", readonly=True, copy=False)
    assessment_id = fields.Many2one(
        "credit.assessment", string="Application", readonly=True, copy=False
    )
    applicant_name = fields.Char(readonly=True, copy=False)
    applicant_email = fields.Char(readonly=True, copy=False)
    is_expired = fields.Boolean(compute="_compute_is_expired")
    application_url = fields.Char(
        compute="_compute_application_url", compute_sudo=True, groups="base.group_system"
    )

    @api.depends("expiry_date")
    def _compute_is_expired(self):
        today = fields.Date.context_today(self)
        for invite in self:
            invite.is_expired = invite.expiry_date < today

    @api.depends("access_token")
    def _compute_application_url(self):
        for invite in self:
            invite.application_url = (
                invite.access_token
                and f"{invite.get_base_url()}/credit/apply/{invite.id}/{invite.access_token}"
            )

    def write(self, vals):
        self._credit_check_lock(
            vals,
            {"sent", "used", "cancelled"},
            self.env._("A sent invitation stays as it was sent: cancel it and send a new one."),
            fnames=INVITE_LINK_FIELDS,
        )
        return super().write(vals)

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        self.contact_id = self.partner_id._credit_invite_contact()

    @api.constrains("partner_id", "contact_id")
    def _check_contact(self):
        for invite in self:
            if invite.partner_id.parent_id:
                raise ValidationError(
                    self.env._("Invite the company itself, not one of its contacts.")
                )
            if invite.contact_id.commercial_partner_id != invite.partner_id:
                raise ValidationError(
                    self.env._("Send the invitation to the customer or one of its contacts.")
                )

    @api.constrains("expiry_date")
    def _check_expiry_date(self):
        today = fields.Date.context_today(self)
        for invite in self.filtered(lambda i: i.state in ("draft", "sent")):
            if invite.expiry_date < today:
                raise ValidationError(
                    self.env._("The invitation must be valid until today at least.")
                )

    # ------------------------------------------------------------------------------------------
    def action_send(self):
        """Send the link to the contact (logged in the chatter of the invitation and of the
        customer); a previous invitation of the customer still waiting stops working."""
        self.check_access("write")
        template = self.env.ref("credit_management.mail_template_credit_invite")
        for invite in self:
            if invite.state != "draft":
                raise UserError(self.env._("This invitation was already sent."))
            if not invite.contact_id.email:
                raise UserError(
                    self.env._(
                        "%(contact)s has no e-mail: add one to send the invitation.",
                        contact=invite.contact_id.display_name,
                    )
                )
            customer = invite.partner_id
            if customer._credit_application_under_way(invite.company_id):
                raise UserError(
                    self.env._(
                        "%(customer)s already has a credit application under way.",
                        customer=customer.display_name,
                    )
                )
            previous = self.sudo().search(
                [
                    ("partner_id", "=", customer.id),
                    ("company_id", "=", invite.company_id.id),
                    ("state", "=", "sent"),
                    ("id", "!=", invite.id),
                ]
            )
            previous._credit_workflow_write({"state": "cancelled"})
            invite._credit_workflow_write(
                {
                    "state": "sent",
                    "access_token": secrets.token_urlsafe(32),
                    "sent_date": fields.Datetime.now(),
                }
            )
            # the link goes to the contact only: the chatter says it was sent, without it
            template.sudo().send_mail(
                invite.id,
                email_layout_xmlid="mail.mail_notification_light",
                # not attached to the invitation: its chatter would show the link
                email_values={"model": False, "res_id": False},
            )
            invite.message_post(
                body=self.env._(
                    "Invitation sent to %(contact)s <%(email)s>, valid until %(date)s.",
                    contact=invite.contact_id.name,
                    email=invite.contact_id.email,
                    date=invite.expiry_date,
                ),
                subtype_xmlid="mail.mt_note",
            )
            customer.message_post(
                body=self.env._(
                    "Invited to apply for credit: the link was sent to %(contact)s, valid "
                    "until %(date)s.",
                    contact=invite.contact_id.display_name,
                    date=fields.Date.to_string(invite.expiry_date),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_cancel(self):
        self.check_access("write")
        if self.filtered(lambda i: i.state not in ("draft", "sent")):
            raise UserError(self.env._("Only an invitation not yet used can be cancelled."))
        self._credit_workflow_write({"state": "cancelled"})
        return True

    # ------------------------------------------------------------------------------------------
    @api.model
    def _credit_invite_for_token(self, invite_id, token, lock=False):
        """The invitation a public link opens, or an empty recordset when the link is wrong,
        used, cancelled or expired (a prospect reads no reason: the page says to ask again).
        With ``lock``, the invitation's row is locked first, so that two forms sent at once
        with the same link make one application (the second waits, then finds it used)."""
        if not 0 < invite_id <= MAX_ID:
            return self.browse()
        if lock:
            self.env.cr.execute(
                "SELECT id FROM credit_application_invite WHERE id = %s FOR UPDATE", [invite_id]
            )
            self.invalidate_model()
        invite = self.sudo().browse(invite_id).exists()
        if (
            not invite
            or invite.state != "sent"
            or invite.is_expired
            or not token
            or not consteq(invite.access_token or "", token)
        ):
            return self.browse()
        return invite

    def _credit_mark_used(self, assessment, applicant_name, applicant_email):
        self.ensure_one()
        self._credit_workflow_write(
            {
                "state": "used",
                "used_date": fields.Datetime.now(),
                "assessment_id": assessment.id,
                "applicant_name": applicant_name,
                "applicant_email": applicant_email,
            }
        )
        self.message_post(
            body=self.env._(
                "%(name)s applied for credit with this invitation: %(application)s.",
                name=applicant_name,
                application=assessment.name,
            ),
            author_id=self.contact_id.id,
            subtype_xmlid="mail.mt_note",
        )
