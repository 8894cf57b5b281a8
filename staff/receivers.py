"""The audit trail registers the staff models it watches; the session module stamps the login
time. Both connect on import (crowdfund.apps discovers this module)."""

from staff import audit, sessions  # noqa: F401
