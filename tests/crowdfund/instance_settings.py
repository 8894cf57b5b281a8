"""The production settings for the app instances of test_two_instances.py, less one thing:
static files come from the finders, so the test needs no collectstatic (they are not what
it is about)."""

from crowdfund.settings import *  # noqa: F403
from crowdfund.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
