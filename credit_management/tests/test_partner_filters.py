from datetime import timedelta

from odoo.tests import tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestPartnerFilters(CreditCommon):
    """The partner filters "Over limit", "Overdue", "On hold", "Review due" search in SQL."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.over = Partner.create({"name": "Over", "is_company": True, "credit_limit": 100.0})
        cls.under = Partner.create({"name": "Under", "is_company": True, "credit_limit": 1000.0})
        cls.no_limit = Partner.create({"name": "No limit", "is_company": True})
        cls.late = Partner.create({"name": "Late", "is_company": True, "credit_limit": 5000.0})
        cls.over_contact = Partner.create({"name": "Over, Buyer", "parent_id": cls.over.id})
        cls._invoice(cls.over, 150.0)
        cls._order(cls.under, 900.0)
        cls._invoice(cls.no_limit, 50000.0, days_ago=60)
        cls._invoice(cls.late, 300.0, days_ago=10)
        cls.scope = cls.over | cls.under | cls.no_limit | cls.late | cls.over_contact

    def search_scope(self, domain, user=None):
        Partner = self.env["res.partner"].with_user(user) if user else self.env["res.partner"]
        return Partner.search(domain + [("id", "in", self.scope.ids)])

    def test_over_limit(self):
        self.assertEqual(
            self.search_scope([("credit_over_limit", "=", True)]), self.over | self.over_contact
        )
        self.assertEqual(
            self.search_scope([("credit_over_limit", "=", False)]),
            self.under | self.no_limit | self.late,
        )
        self.assertEqual(
            self.search_scope([("credit_over_limit", "!=", True)]),
            self.under | self.no_limit | self.late,
        )

    def test_overdue_respects_grace_days(self):
        self.assertEqual(
            self.search_scope([("credit_is_overdue", "=", True)]), self.no_limit | self.late
        )
        self.company.credit_overdue_grace_days = 30
        self.assertEqual(self.search_scope([("credit_is_overdue", "=", True)]), self.no_limit)
        self.assertFalse(self.late.credit_is_overdue)
        self.assertEqual(self.late.credit_overdue_days, 10)

    def test_on_hold_and_review_due(self):
        self.over.with_user(self.analyst).write(
            {"credit_status": "hold", "credit_hold_reason": "Cheque returned"}
        )
        self.late.with_user(self.analyst).credit_next_review_date = self.today - timedelta(days=1)
        self.under.with_user(self.analyst).credit_next_review_date = self.today + timedelta(days=9)
        self.assertEqual(
            self.search_scope([("credit_on_hold", "=", True)]), self.over | self.over_contact
        )
        self.assertEqual(self.search_scope([("credit_review_due", "=", True)]), self.late)
        self.assertTrue(self.over_contact.credit_on_hold)

    def test_salesperson_can_use_the_filters(self):
        found = self.search_scope([("credit_over_limit", "=", True)], user=self.salesperson)
        self.assertEqual(found, self.over | self.over_contact)

    def test_filters_run_a_fixed_number_of_queries(self):
        # searching does not load partners into Python: the count does not depend on how many
        # partners match
        def count(domain):
            return self.count_queries(lambda: self.env["res.partner"].search(domain))[1]

        few = count([("credit_over_limit", "=", True)])
        many = self.env["res.partner"].create(
            [{"name": f"Many {i}", "credit_limit": 1.0} for i in range(25)]
        )
        for partner in many:
            self._invoice(partner, 5.0)
        self.assertEqual(count([("credit_over_limit", "=", True)]), few)
        over_limit = self.env["res.partner"].search([("credit_over_limit", "=", True)])
        self.assertEqual(over_limit & many, many)
