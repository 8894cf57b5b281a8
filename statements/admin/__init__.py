"""Bank statements in the admin: the upload, the review of their lines, and the transfers
donors announced (treasurers only)."""

from statements.admin import expected, lines  # noqa: F401 - registers the model admins
