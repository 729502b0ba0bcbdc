"""18.0.1.1.0: the approved rating, limit and terms of an assessment follow its proposal
unless finance changed them. Assessments finance was already deciding keep what it typed."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("ALTER TABLE credit_assessment ADD COLUMN IF NOT EXISTS decision_overridden BOOLEAN")
    cr.execute(
        """
        UPDATE credit_assessment
           SET decision_overridden = TRUE
         WHERE state IN ('submitted', 'review')
           AND (approved_rating_id IS NOT NULL OR COALESCE(approved_limit, 0) != 0)
        """
    )
