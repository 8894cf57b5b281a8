"""Retention's public interface: the signals through which other apps hand it what they keep
about a donor, and the pieces its steps share.

Apps above retention connect receivers in their own `receivers.py` (as pretix's
`register_data_shredders`), so retention never names them:

- `donor_holds`: given `keys` (donor keys about to be anonymised, "email:…", "iban:…"),
  return those to keep (a running periodic-gift agreement binds its donor for five years);
- `donor_records_clear`: given `donor_ids`, clear what the app keeps in those donors' names
  (statements' PDFs, unsigned agreements, audit entries);
- `unfinished_records` and `expired_records`: return a `Records` each, rows that retention
  removes once they are older than its cutoff.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.dispatch import Signal

from ledger.models import Donation
from retention.cleaner import sponsorship_bodies_clear

donor_holds = Signal()
donor_records_clear = Signal()
unfinished_records = Signal()
expired_records = Signal()

UNFINISHED = (
    Donation.Status.NEW,
    Donation.Status.FAILED,
    Donation.Status.EXPIRED,
    Donation.Status.CANCELED,
)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Records:
    """Rows of another app that a step removes once they are older than its cutoff."""

    label: str
    # The rows to remove, given the cutoff.
    rows: Callable[[datetime], models.QuerySet]
    # Removes these ids (rechecking each); returns how many went.
    remove: Callable[[list[int]], int]


@dataclass
class StepResult:
    name: str
    cutoff: datetime
    # What was (or, in a dry run, would be) changed, per kind of row.
    counts: Counter = field(default_factory=Counter)


def held_keys(keys: set[str]) -> set[str]:
    """The donor keys that some app still needs kept."""
    held: set[str] = set()
    for _receiver, kept in donor_holds.send(sender=None, keys=set(keys)):
        held |= set(kept)
    return held


def other_records_clear(donor_ids: list[int]) -> None:
    """Clear what is kept about these donors beside their gifts: their monthly gifts' webhook
    bodies, and what the apps above keep in their names (`donor_records_clear`)."""
    sponsorship_bodies_clear(donor_ids)
    donor_records_clear.send(sender=None, donor_ids=donor_ids)


def registered_records(signal: Signal) -> list[Records]:
    return [records for _receiver, records in signal.send(sender=None)]


def bodies_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.RETENTION_WEBHOOK_BODY_DAYS)


def unfinished_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.RETENTION_UNFINISHED_GIFT_DAYS)


def old_unfinished(now: datetime) -> Q:
    return Q(status__in=UNFINISHED, created_at__lt=unfinished_cutoff(now))


def years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def batches(ids: list[int]) -> Iterator[tuple[int, list[int]]]:
    size = settings.RETENTION_BATCH_SIZE
    for start in range(0, len(ids), size):
        batch = ids[start : start + size]
        yield start + len(batch), batch
