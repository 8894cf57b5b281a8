"""What one ledger row adds to the running totals and to a year's books: plain values, so
the models that say what they add and the code that adds it need nothing of each other."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Entry:
    """What one ledger row adds to one fund (prisoner id; None: the general fund) and, for
    money in, to the quarter (its first day) it counts in."""

    fund: int | None
    quarter: date | None = None
    received: Decimal = ZERO
    refunded: Decimal = ZERO
    corrected: Decimal = ZERO
    entries: int = 0
    spent: Decimal = ZERO
    transferred_in: Decimal = ZERO
    transferred_out: Decimal = ZERO


INCOME = ("received", "refunded", "corrected", "entries")


AMOUNTS = tuple(f.name for f in fields(Entry) if f.name not in ("fund", "quarter"))


@dataclass(frozen=True)
class BooksEntry:
    """What a year's published accounts read of one ledger row: the day it counts on, and
    every other value of it they show (its fund, amount, fee, category)."""

    day: date
    shown: tuple


def quarter_of(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def day_of(value) -> date:
    """The day a date or moment counts on, in the books' time zone (as TruncDate does)."""
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return timezone.localdate(value)
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


def money(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))
