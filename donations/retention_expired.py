"""Retention's fifth step: records that other apps keep as part of the books, once the books
need them no more.

A signed periodic-gift agreement is a fiscal record: it stays while it runs and for as long as
the books are kept after it ends (RETENTION_DONOR_YEARS, the Dutch seven years). Then it holds
nothing the foundation may keep: the donor's address, date and place of birth, the signers'
addresses. Apps register such records here; the gifts themselves stay in the books.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import models

from donations.retention import Progress, StepResult, _years_before


@dataclass(frozen=True)
class ExpiredRecords:
    label: str
    # The rows whose keeping period ended before the cutoff.
    rows: Callable[[datetime], models.QuerySet]
    # Removes these ids (rechecking each); returns how many went.
    remove: Callable[[list[int]], int]


EXPIRED_RECORDS: list[ExpiredRecords] = []


def expired_records_delete(*, now: datetime, dry_run: bool, progress: Progress) -> StepResult:
    step = StepResult("expired records", _years_before(now, settings.RETENTION_DONOR_YEARS))
    for records in EXPIRED_RECORDS:
        ids = sorted(records.rows(step.cutoff).values_list("pk", flat=True))
        if ids:
            step.counts[records.label] += len(ids) if dry_run else records.remove(ids)
        progress(step.name, len(ids), len(ids))
    step.counts = +step.counts
    return step
