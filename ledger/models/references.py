"""Short, human gift references (DS-2026-00123), numbered per calendar year."""

from __future__ import annotations

from django.db import models, transaction

GIFT_REFERENCE_PREFIX = "DS"


class GiftReferenceCounter(models.Model):
    """The last gift number handed out in a year; one row per year, locked while counting."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "donations_giftreferencecounter"
        verbose_name = "gift reference counter"

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


def format_gift_reference(*, year: int, number: int) -> str:
    return f"{GIFT_REFERENCE_PREFIX}-{year}-{number:05d}"


def gift_references_allocate(*, year: int, count: int = 1) -> list[str]:
    """The next `count` references of `year`, never handed out twice.

    Takes the year's counter row with SELECT … FOR UPDATE: two donors starting a gift at the
    same moment would otherwise both read the same last number. Inside the caller's
    transaction the lock lasts until its commit, so a rolled-back gift leaves no gap.
    """
    with transaction.atomic():
        # ON CONFLICT DO NOTHING: the first gift of a year may be created twice at once.
        GiftReferenceCounter.objects.bulk_create(
            [GiftReferenceCounter(year=year)], ignore_conflicts=True
        )
        counter = GiftReferenceCounter.objects.select_for_update().get(year=year)
        first = counter.last_number + 1
        counter.last_number += count
        counter.save(update_fields=["last_number"])
    return [format_gift_reference(year=year, number=n) for n in range(first, first + count)]
