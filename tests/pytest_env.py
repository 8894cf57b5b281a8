"""Test-run defaults, set before Django reads its settings.

The suite runs with DEBUG off, like production, so it needs a key; everything else comes
from the environment as in production.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DEMO_PAYMENTS", "1")
os.environ.setdefault("TASKS_IMMEDIATE", "1")
