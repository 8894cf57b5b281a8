"""The content version: one counter that changes whenever anything a public page shows
changes (a story, a news item, the campaign, a total). Cached pages and the public report's
ETag are keyed by it, so nothing has to scan the ledger to know whether they are stale.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from crowdfund.models import ContentVersion

# Uncommitted changes of the current transaction, per database connection.
_PENDING = "content_changes_pending"
# This process's last read of the row: (version, when). Every cached page costs one read of
# the version, so a worker reads it at most once per CONTENT_VERSION_SECONDS, its own changes
# included: a worker that takes a webhook for every gift would otherwise see a new version, and
# make every page again, after each one (the load test's 7 gifts a second left no page kept).
_memo: tuple[str, float] | None = None


def forget() -> None:
    global _memo
    _memo = None


def content_changed() -> None:
    """Something public changed. Every worker sees a new version within
    CONTENT_VERSION_SECONDS of the commit.

    Bumped after commit, so that no transaction holds the one row locked while it works
    (a statement import can take seconds). Until then the writing transaction itself sees a
    version of its own, so that it never reads its own change from an older cached copy.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        setattr(connection, _PENDING, getattr(connection, _PENDING, 0) + 1)
    transaction.on_commit(_bump)


def _bump() -> None:
    setattr(transaction.get_connection(), _PENDING, 0)
    if not ContentVersion.objects.filter(pk=ContentVersion.ROW).update(number=F("number") + 1):
        _row()


def _row() -> tuple[str, int]:
    try:
        with transaction.atomic():
            row, _created = ContentVersion.objects.get_or_create(pk=ContentVersion.ROW)
    except IntegrityError:
        # Created at the same moment by another request.
        row = ContentVersion.objects.get(pk=ContentVersion.ROW)
    return row.token, row.number


def _stored() -> str:
    global _memo
    memo, now = _memo, time.monotonic()
    if memo is not None and now - memo[1] < settings.CONTENT_VERSION_SECONDS:
        return memo[0]
    row = ContentVersion.objects.filter(pk=ContentVersion.ROW).values_list("token", "number")
    token, number = row.first() or _row()
    # Letters and digits only: safe in a file name, a cache key and an ETag.
    _memo = (f"{token}n{number}", now)
    return _memo[0]


def content_version() -> str:
    """The current version, at most one short query; a string safe in a file name and an ETag."""
    version = _stored()
    connection = transaction.get_connection()
    pending = getattr(connection, _PENDING, 0) if connection.in_atomic_block else 0
    return f"{version}p{pending}" if pending else version


def _changed(sender, **kwargs) -> None:
    if not kwargs.get("raw"):
        content_changed()


def changes_content(*models) -> None:
    """Saving or deleting any of these models changes the public pages."""
    for model in models:
        post_save.connect(_changed, sender=model, dispatch_uid=f"content-save-{model._meta.label}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"content-delete-{model._meta.label}"
        )
