"""The books in the admin: gifts with their refunds and corrections, spending and fund
transfers (treasurers only)."""

from ledger.admin import gifts, spending  # noqa: F401 - registers the model admins
