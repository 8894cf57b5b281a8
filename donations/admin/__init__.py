"""The treasurer's admin: gifts and their payments, and the bank and spending ledger."""

from donations.admin import expected, gifts, ledger  # noqa: F401 - registers the model admins
