"""The treasurer's admin: gifts and their payments, and the bank and spending ledger; and the
editors' review queue for messages of support."""

from donations.admin import (  # noqa: F401 - registers the model admins
    expected,
    gifts,
    ledger,
    messages,
    sponsorships,
)
