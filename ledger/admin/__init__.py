"""The books in the admin: categories, corrections, spending and fund transfers (treasurers
only). The gifts' own admin, with their payments, is in payments.admin."""

from ledger.admin import books, spending  # noqa: F401 - registers the model admins
