import base64
import math

from werkzeug.urls import url_encode

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import plaintext2html, single_email_re
from odoo.tools.mimetypes import guess_mimetype
from odoo.tools.translate import LazyTranslate

from odoo.addons.portal.controllers.portal import CustomerPortal

_lt = LazyTranslate(__name__)

# what a customer may upload with its application, and how large
APPLICATION_MIMETYPES = {"application/pdf", "image/png", "image/jpeg"}
APPLICATION_MAX_BYTES = 10 * 1024 * 1024
# no figure of an application is larger (a typo or a forged post, not a real company)
APPLICATION_MAX_AMOUNT = 1e15
# what the form gives back after a refusal
APPLICATION_TEXT_FIELDS = (
    "requested_limit",
    "payment_term_id",
    "registration",
    "years_in_business",
    "employees",
    "annual_revenue",
    "banks",
    "comment",
)
# what the customer reads of its application's state: never finance's stages or comments
PORTAL_STATES = {
    "draft": _lt("Received"),
    "submitted": _lt("Under review"),
    "review": _lt("Under review"),
    "approved": _lt("Approved"),
    "rejected": _lt("Not granted"),
    "cancelled": _lt("Withdrawn"),
}


class CreditApplicationPortal(CustomerPortal):
    """P4.1.1: the customer applies for credit on the portal (requested limit and terms,
    company data, the documents its assessment type asks for). The application is a draft
    assessment for the customer's salesperson, with an activity; the customer follows its
    state and reads the answer, never the scores or finance's comments."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "credit_application_count" in counters:
            values["credit_application_count"] = len(self._credit_applications())
        return values

    def _credit_customer(self):
        return request.env.user.partner_id.commercial_partner_id

    def _credit_applications(self):
        """The customer's credit applications (its new-customer assessments; reviews and
        finance's own assessments stay internal), read as the superuser for the customer's
        own company only: portal users have no access to assessments."""
        return (
            request.env["credit.assessment"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self._credit_customer().id),
                    ("type", "=", "new"),
                    ("company_id", "in", request.env.user.company_ids.ids),
                ],
                order="id desc",
            )
        )

    def _credit_payment_terms(self, company=None):
        company = company or self._credit_customer().company_id or request.env.company
        return (
            request.env["account.payment.term"]
            .sudo()
            .search([("company_id", "in", (False, company.id))])
        )

    def _credit_document_types(self):
        return request.env["credit.document.type"].sudo().search([])._required_for("new")

    @http.route("/my/credit", type="http", auth="user", website=True)
    def portal_my_credit(self, **kw):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "credit",
                "applications": self._credit_applications(),
                "portal_states": PORTAL_STATES,
                "customer": self._credit_customer(),
            }
        )
        return request.render("credit_management.portal_my_credit", values)

    @http.route("/my/credit/apply", type="http", auth="user", methods=["GET"], website=True)
    def portal_credit_apply_form(self, error=None, **kw):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "credit_apply",
                "document_types": self._credit_document_types(),
                "payment_terms": self._credit_payment_terms(),
                "credit_error": error,
                "credit_form": kw,
            }
        )
        return request.render("credit_management.portal_credit_apply", values)

    @http.route("/my/credit/apply", type="http", auth="user", methods=["POST"], website=True)
    def portal_credit_apply(self, **post):
        # every field and file is checked before anything is created: a refusal leaves
        # nothing behind
        try:
            assessment = self._credit_create_application(post)
        except UserError as error:
            # back to the form with the message and what was typed (files are chosen again)
            typed = {key: post[key] for key in APPLICATION_TEXT_FIELDS if post.get(key)}
            return request.redirect(
                "/my/credit/apply?" + url_encode({"error": str(error), **typed})
            )
        return request.redirect(f"/my/credit?applied={assessment.id}")

    # -- the public form of an invited prospect ---------------------------------------------
    def _credit_invite_lang(self, invite):
        """The public form speaks the invited contact's language (a prospect has no account
        whose language Odoo would use), when that language is active."""
        lang = invite.sudo().contact_id.lang or invite.sudo().partner_id.lang
        if lang and lang != request.env.lang and request.env["res.lang"]._lang_get(lang):
            request.update_context(lang=lang)

    def _credit_invite_values(self, invite, token, **values):
        return {
            "invite": invite,
            "form_action": f"/credit/apply/{invite.id}/{token}",
            "document_types": self._credit_document_types(),
            "payment_terms": self._credit_payment_terms(invite.company_id),
            **values,
        }

    @http.route(
        "/credit/apply/<int:invite_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def credit_invite_form(self, invite_id, token, error=None, **kw):
        invite = request.env["credit.application.invite"]._credit_invite_for_token(invite_id, token)
        if not invite:
            return request.render("credit_management.credit_invite_invalid", status=404)
        self._credit_invite_lang(invite)
        return request.render(
            "credit_management.credit_invite_apply",
            self._credit_invite_values(invite, token, credit_error=error, credit_form=kw),
        )

    @http.route(
        "/credit/apply/<int:invite_id>/<string:token>",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def credit_invite_apply(self, invite_id, token, **post):
        invite = request.env["credit.application.invite"]._credit_invite_for_token(
            invite_id, token, lock=True
        )
        if not invite:
            return request.render("credit_management.credit_invite_invalid", status=404)
        self._credit_invite_lang(invite)
        try:
            name, email = self._credit_applicant(post)
            assessment = self._credit_application_create(
                post,
                invite.partner_id,
                invite.company_id,
                lambda staff: staff._(
                    "Applied with the invitation sent by %(user)s, by %(name)s <%(email)s>.",
                    user=invite.user_id.name,
                    name=name,
                    email=email,
                ),
                salesperson=invite.partner_id.user_id or invite.user_id,
            )
        except UserError as error:
            typed = {
                key: post[key]
                for key in (*APPLICATION_TEXT_FIELDS, "applicant_name", "applicant_email")
                if post.get(key)
            }
            return request.redirect(
                f"/credit/apply/{invite.id}/{token}?" + url_encode({"error": str(error), **typed})
            )
        invite._credit_mark_used(assessment, name, email)
        return request.render("credit_management.credit_invite_done", {"invite": invite})

    def _credit_applicant(self, post):
        """Who fills in the public form: a name and a valid e-mail are required."""
        name = (post.get("applicant_name") or "").strip()
        email = (post.get("applicant_email") or "").strip()
        if not name:
            raise UserError(request.env._("Enter your name."))
        if not single_email_re.match(email):
            raise UserError(request.env._("Enter a valid e-mail address."))
        return name[:128], email[:254]

    def _credit_check_file(self, upload, type_name):
        """The file's content, refused with a clear message when it is not a PDF or an image
        or larger than the limit."""
        content = upload.read()
        if not content:
            raise UserError(request.env._("%(type)s: the file is empty.", type=type_name))
        if len(content) > APPLICATION_MAX_BYTES:
            raise UserError(
                request.env._(
                    "%(type)s: %(name)s is larger than %(size)s MB.",
                    type=type_name,
                    name=upload.filename,
                    size=APPLICATION_MAX_BYTES // (1024 * 1024),
                )
            )
        if guess_mimetype(content) not in APPLICATION_MIMETYPES:
            raise UserError(
                request.env._(
                    "%(type)s: %(name)s is not a PDF, PNG or JPEG file.",
                    type=type_name,
                    name=upload.filename,
                )
            )
        return content

    def _credit_number(self, post, key, label, cast=float):
        value = (post.get(key) or "").strip().replace(",", "")
        if not value:
            return cast(0)
        try:
            number = cast(value)
        except ValueError:
            raise UserError(request.env._("%(field)s: enter a number.", field=label)) from None
        if not math.isfinite(number) or number > APPLICATION_MAX_AMOUNT:
            raise UserError(request.env._("%(field)s: enter a real amount.", field=label))
        if number < 0:
            raise UserError(request.env._("%(field)s cannot be negative.", field=label))
        return number

    def _credit_create_application(self, post):
        """The logged-in customer's application (portal)."""
        customer = self._credit_customer()
        return self._credit_application_create(
            post,
            customer,
            customer.company_id or request.env.company,
            lambda staff: staff._("Applied on the portal by %(user)s.", user=request.env.user.name),
        )

    def _credit_application_create(self, post, customer, company, origin, salesperson=None):
        """Check everything, then create the draft assessment of ``customer`` in ``company``
        and its documents in one go: a refused field or file leaves nothing behind. The
        salesperson (by default the customer's) gets an activity to verify and submit.

        The errors speak the applicant's language; what sales reads (``origin(env)``, where
        the application came from, the comment, the activity) the salesperson's."""
        if customer._credit_application_under_way(company):
            raise UserError(
                request.env._(
                    "Your application is already under way: your contact will come back to you."
                )
            )
        requested = self._credit_number(
            post, "requested_limit", request.env._("Requested credit limit")
        )
        if requested <= 0:
            raise UserError(request.env._("Enter the credit limit you ask for."))
        documents = []
        for doc_type in self._credit_document_types():
            upload = request.httprequest.files.get(f"document_{doc_type.id}")
            if not upload or not upload.filename:
                raise UserError(request.env._("Please attach: %(type)s.", type=doc_type.name))
            content = self._credit_check_file(upload, doc_type.name)
            documents.append(
                {
                    "type_id": doc_type.id,
                    "file": base64.b64encode(content),
                    "filename": upload.filename,
                }
            )
        term_id = post.get("payment_term_id") or ""
        term = self._credit_payment_terms(company).filtered(lambda t: str(t.id) == term_id)
        banks = (post.get("banks") or "").strip()
        registration = (post.get("registration") or "").strip()
        owner = salesperson or customer.user_id
        reader = owner or company._credit_controller()
        staff = request.env(context=dict(request.env.context, lang=reader.sudo().lang or "en_US"))
        comment = "\n".join(
            line
            for line in (
                origin(staff),
                registration and staff._("Registration: %(number)s", number=registration),
                banks and staff._("Banks: %(banks)s", banks=banks),
                (post.get("comment") or "").strip(),
            )
            if line
        )
        assessment = (
            request.env["credit.assessment"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "type": "new",
                    "user_id": owner.id,
                    "requested_limit": requested,
                    "requested_payment_term_id": term.id,
                    "annual_revenue": self._credit_number(
                        post, "annual_revenue", request.env._("Annual revenue")
                    ),
                    "years_in_business": self._credit_number(
                        post, "years_in_business", request.env._("Years in business"), int
                    ),
                    "employees": self._credit_number(
                        post, "employees", request.env._("Employees"), int
                    ),
                    "sales_comment": comment,
                    "document_ids": [(0, 0, document) for document in documents],
                }
            )
        )
        if not reader:
            return assessment  # nobody to tell: it waits in the assessments list
        assessment.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=reader.id,
            summary=staff._(
                "Credit application from %(customer)s: verify the documents and submit",
                customer=customer.name,
            ),
            note=plaintext2html(comment),
        )
        return assessment
