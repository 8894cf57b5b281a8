"""Retention's fifth step: records that other apps keep as part of the books, once the books
need them no more.

A signed periodic-gift agreement is a fiscal record: it stays while it runs and for as long as
the books are kept after it ends (RETENTION_DONOR_YEARS, the Dutch seven years). Then it holds
nothing the foundation may keep: the donor's address, date and place of birth, the signers'
addresses. Apps hand such records to `retention.base.expired_records`; the gifts themselves
stay in the books.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from retention.base import Progress, StepResult, expired_records, registered_records, years_before


def expired_records_delete(*, now: datetime, dry_run: bool, progress: Progress) -> StepResult:
    step = StepResult("expired records", years_before(now, settings.RETENTION_DONOR_YEARS))
    # Rows of other apps kept for the books, once their keeping period ended before the cutoff.
    for records in registered_records(expired_records):
        ids = sorted(records.rows(step.cutoff).values_list("pk", flat=True))
        if ids:
            step.counts[records.label] += len(ids) if dry_run else records.remove(ids)
        progress(step.name, len(ids), len(ids))
    step.counts = +step.counts
    return step
