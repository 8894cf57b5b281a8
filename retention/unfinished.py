"""Retention's fourth step: what an abandoned attempt left behind besides the gift itself.

The gift form makes the donor's record (email, name, language) before any money moves, so a
checkout that was never completed leaves one. Once every gift of that record is an old
unfinished attempt (step 2 has cleared their details) and nothing else holds the record, it
is deleted. Other apps hand over rows of their own that are unfinished attempts too (a
periodic-gift agreement never signed, through `retention.base.unfinished_records`); they go
first, so their donor can go with them.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models, transaction
from django.db.models import Exists, OuterRef

from donors.models import Donor
from ledger.models import Donation
from retention.base import (
    Progress,
    StepResult,
    batches,
    old_unfinished,
    registered_records,
    unfinished_cutoff,
    unfinished_records,
)


def unfinished_donors_delete(*, now: datetime, dry_run: bool, progress: Progress) -> StepResult:
    step = StepResult("unfinished donor records", unfinished_cutoff(now))
    # What this run removes, per model: a dry run must not count it as holding a donor.
    removed: dict[type[models.Model], set[int]] = {}
    # Rows of other apps that are an unfinished attempt once made before the cutoff.
    for records in registered_records(unfinished_records):
        rows = records.rows(step.cutoff)
        ids = sorted(rows.values_list("pk", flat=True))
        removed[rows.model] = set(ids)
        if ids:
            step.counts[records.label] += len(ids) if dry_run else records.remove(ids)
    ids = sorted(_unheld_donors(now, step.cutoff, removed).values_list("pk", flat=True))
    for done, batch in batches(ids):
        if dry_run:
            step.counts["donor records"] += len(batch)
        else:
            step.counts["donor records"] += _delete(batch, now, step.cutoff)
        progress(step.name, done, len(ids))
    step.counts = +step.counts
    return step


def _unheld_donors(now: datetime, cutoff: datetime, removed: dict) -> models.QuerySet:
    """Donors made before the cutoff whose every gift is an old unfinished attempt, and that
    no other row points to (a sponsorship, an agreement, a statement, an erasure request…)."""
    donors = Donor.objects.filter(created_at__lt=cutoff).exclude(
        Exists(Donation.objects.filter(donor=OuterRef("pk")).exclude(old_unfinished(now)))
    )
    for relation in _reverse_relations():
        holding = relation.related_model._base_manager.filter(
            **{relation.field.name: OuterRef("pk")}
        ).exclude(pk__in=removed.get(relation.related_model, ()))
        donors = donors.exclude(Exists(holding))
    return donors


def _reverse_relations():
    """Every foreign key to Donor but the gifts', those without a reverse name included."""
    return [
        field
        for field in Donor._meta.get_fields(include_hidden=True)
        if field.auto_created
        and not field.concrete
        and (field.one_to_many or field.one_to_one)
        and field.related_model is not Donation
    ]


def _delete(batch: list[int], now: datetime, cutoff: datetime) -> int:
    with transaction.atomic():
        # Rechecked under the lock: a gift form sent meanwhile uses the record again.
        locked = Donor.objects.select_for_update().filter(pk__in=batch).order_by("pk")
        locked_ids = list(locked.values_list("pk", flat=True))
        unheld = _unheld_donors(now, cutoff, {}).filter(pk__in=locked_ids)
        ids = list(unheld.values_list("pk", flat=True))
        if not ids:
            return 0
        # Bulk writes: no audit entry repeats the address being removed.
        Donation.objects.filter(donor_id__in=ids).update(donor=None)
        deleted = Donor.objects.filter(pk__in=ids).delete()[1].get(Donor._meta.label, 0)
    return deleted
