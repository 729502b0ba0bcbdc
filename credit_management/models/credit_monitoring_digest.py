from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, plaintext2html


class CreditMonitoringDigest(models.AbstractModel):
    """The daily credit digest of each salesperson (P3.3.1, P5.1.2): one message to each
    salesperson whose customers changed since the day before: a new overdue, utilisation
    crossing the warning threshold, a rating change (today's exposure snapshot against the
    previous one), a new hold, a release or rejection, a review coming due. Nothing changed,
    no message. Runs after the day's snapshot; once per company and day."""

    _name = "credit.monitoring.digest"
    _inherit = "credit.monitoring"
    _description = "Credit Monitoring: Daily Digest"

    @api.model
    def _cron_digest(self, batch_size=1):
        today = fields.Date.context_today(self)

        def work(company):
            last = company.credit_digest_at
            done = last and fields.Date.context_today(self, last) >= today
            # the digest compares today's snapshot with the one before: it waits for it
            ready = company.credit_snapshot_date and company.credit_snapshot_date >= today
            return [company] if ready and not done else []

        def process(company, companies):
            self._send_digests(company, today)

        return self._run_in_batches(work, process, batch_size)

    @api.model
    def _snapshot_changes(self, company, today):
        """``[(partner_id, line)]``: what today's snapshot says changed since the previous."""
        [(previous,)] = self.env.execute_query(
            SQL(
                "SELECT MAX(date) FROM credit_exposure_snapshot"
                " WHERE company_id = %s AND date < %s",
                company.id,
                today,
            )
        )
        # a customer absent from the previous snapshot (or with no snapshot before) had no
        # exposure then
        previous = previous or today - timedelta(days=1)
        rows = self.env.execute_query_dict(
            SQL(
                """
                SELECT t.partner_id, t.overdue, t.utilization, t."limit",
                       COALESCE(p.overdue, 0) AS prev_overdue,
                       COALESCE(p.utilization, 0) AS prev_utilization,
                       t.rating_id, p.rating_id AS prev_rating_id,
                       p.id IS NOT NULL AS known
                  FROM credit_exposure_snapshot t
             LEFT JOIN credit_exposure_snapshot p
                    ON p.partner_id = t.partner_id AND p.company_id = t.company_id
                   AND p.date = %(previous)s
                 WHERE t.company_id = %(company)s AND t.date = %(today)s
                """,
                company=company.id,
                today=today,
                previous=previous,
            )
        )
        threshold = company.credit_warning_threshold
        money = self.env["credit.decision"]._money
        ratings = {
            rating.id: rating.name
            for rating in self.env["credit.rating"]
            .sudo()
            .search([])
            .with_context(active_test=False)
        }
        changes = []
        for row in rows:
            if row["overdue"] > 0 and not row["prev_overdue"] > 0:
                changes.append(
                    (
                        row["partner_id"],
                        self.env._("new overdue %(amount)s", amount=money(row["overdue"], company)),
                    )
                )
            if row["limit"] > 0 and row["prev_utilization"] < threshold <= row["utilization"]:
                changes.append(
                    (
                        row["partner_id"],
                        self.env._(
                            "utilisation %(now)s%% crossed the %(threshold)s%% warning",
                            now=round(row["utilization"], 1),
                            threshold=round(threshold, 1),
                        ),
                    )
                )
            if row["known"] and row["rating_id"] != row["prev_rating_id"]:
                changes.append(
                    (
                        row["partner_id"],
                        self.env._(
                            "rating %(old)s to %(new)s",
                            old=ratings.get(row["prev_rating_id"], "-"),
                            new=ratings.get(row["rating_id"], "-"),
                        ),
                    )
                )
        return changes

    @api.model
    def _document_changes(self, company, since):
        """``[(partner_id, line)]``: holds placed and answers given since ``since``."""
        changes = []
        for model in ("sale.order", "account.move"):
            for document in (
                self.env[model]
                .sudo()
                .search([("company_id", "=", company.id), ("credit_hold_date", ">=", since)])
            ):
                changes.append(
                    (
                        document._credit_partner().id,
                        self.env._("%(document)s held", document=document.display_name),
                    )
                )
        answers = dict(
            self.env["credit.release"]._fields["answer"]._description_selection(self.env)
        )
        for release in (
            self.env["credit.release"]
            .sudo()
            .search([("company_id", "=", company.id), ("date", ">=", since)])
        ):
            changes.append(
                (
                    release.partner_id.id,
                    self.env._(
                        "%(document)s %(answer)s by finance",
                        document=release.document_name,
                        answer=answers[release.answer].lower(),
                    ),
                )
            )
        return changes

    @api.model
    def _review_changes(self, company, today, last):
        """``[(partner_id, line)]``: reviews that came within the notice period since the
        last digest."""
        notice = company.credit_review_notice_days
        partners = (
            self.env["res.partner"]
            .sudo()
            .with_company(company)
            .search(
                [
                    ("credit_next_review_date", ">", last + timedelta(days=notice)),
                    ("credit_next_review_date", "<=", today + timedelta(days=notice)),
                ]
            )
        )
        return [
            (
                partner.id,
                self.env._(
                    "review due on %(date)s",
                    date=fields.Date.to_string(partner.credit_next_review_date),
                ),
            )
            for partner in partners
        ]

    @api.model
    def _changes_by_partner(self, company, today, since, last_day):
        """``{partner_id: [line]}`` of what changed, in the language of the context."""
        by_partner = defaultdict(list)
        for partner_id, line in (
            self._snapshot_changes(company, today)
            + self._document_changes(company, since)
            + self._review_changes(company, today, last_day)
        ):
            by_partner[partner_id].append(line)
        return by_partner

    @api.model
    def _send_digests(self, company, today):
        """One message to each salesperson whose customers changed since the last digest
        (or the last day), written in the salesperson's language (the lines are read again
        for each other language among them: a few queries per language)."""
        now = fields.Datetime.now()
        since = company.credit_digest_at or now - timedelta(days=1)
        last_day = fields.Date.context_today(self, since)
        changes = {None: self._changes_by_partner(company, today, since, last_day)}
        partners = self.env["res.partner"].sudo().browse(list(changes[None])).sorted("name")
        for user in partners.user_id:
            lang = user.lang or None
            if lang not in changes:
                changes[lang] = self.with_context(lang=lang)._changes_by_partner(
                    company, today, since, last_day
                )
            lines = [
                f"{partner.display_name}: " + "; ".join(changes[lang][partner.id])
                for partner in partners
                if partner.user_id == user and changes[lang].get(partner.id)
            ]
            user.partner_id.sudo().message_notify(
                partner_ids=user.partner_id.ids,
                subject=self.with_context(lang=lang).env._(
                    "Your customers' credit on %(date)s (%(company)s)",
                    date=fields.Date.to_string(today),
                    company=company.name,
                ),
                body=plaintext2html("\n".join(lines)),
            )
        company.sudo().credit_digest_at = now
