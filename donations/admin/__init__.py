"""The treasurer's admin: gifts and their payments, and the bank and spending ledger."""

from donations.admin import gifts, ledger, sponsorships  # noqa: F401 - registers the admins
