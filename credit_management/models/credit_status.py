"""The credit statuses of a customer, shared by the partner, its history and the decision."""

CREDIT_STATUSES = [
    ("not_assessed", "Not Assessed"),
    ("approved", "Approved"),
    ("watch", "Watch"),
    ("hold", "On Hold"),
    ("blocked", "Blocked"),
]
HOLD_STATUSES = ("hold", "blocked")
