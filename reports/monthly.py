"""Monthly giving, month by month, for the treasurer: the recurring income, how many
sponsorships started and stopped, and how many were active (and what they pledged) at each
month's end.

The fund overview and the treasurer's PDF both read `monthly_giving`. Its money comes from
`money_in`, the one selector of money in, so the recurring income always agrees with the
other figures. Five queries, whatever the number of gifts or sponsorships.

What a month pledged is what its active sponsorships pledged at its end: a sponsorship's
amount that day is its amount now, less every change of amount that applies after that day
(`PledgeChange`), so a sponsor who gives €20 now but gave €15 until March shows €15 in
the months before.

A sponsorship counts from the day its first month was paid (the provider's date) until the
day it last stopped being active: suspended or cancelled. A Stripe subscription that was past
due and recovered never stopped; one that is suspended and later cancelled stopped when it was
suspended, because that is when its payments stopped. So each month, the active sponsorships
at its start, plus those started, less those stopped, are those active at its end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, Count, DateField, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate, TruncMonth

from ledger.models import Donation
from ledger.selectors import ZERO, MoneyIn, money_in, received_on
from sponsorships.models import PledgeChange, Sponsorship, SponsorshipEvent

S = Sponsorship.Status
_STOPPED = [S.SUSPENDED, S.CANCELLED]


@dataclass
class GivingMonth:
    """One month of monthly giving (`month` is its first day)."""

    month: date
    money: MoneyIn
    started: int
    stopped: int
    # At the end of the month, or of the period when it ends earlier.
    active: int
    pledged: Decimal

    @property
    def payments(self) -> int:
        return self.money.gifts

    @property
    def received(self) -> Decimal:
        return self.money.received

    @property
    def adjusted(self) -> Decimal:
        """Refunds, chargebacks and corrections booked in the month, signed: negative when
        money went back."""
        return self.money.raised - self.money.received

    @property
    def income(self) -> Decimal:
        """The recurring income: the monthly payments, net of refunds and corrections."""
        return self.money.raised


@dataclass
class MonthlyGiving:
    start: date
    end: date
    opening_active: int
    opening_pledged: Decimal
    months: list[GivingMonth]

    @property
    def money(self) -> MoneyIn:
        total = MoneyIn()
        for row in self.months:
            total.add(row.money)
        return total

    @property
    def started(self) -> int:
        return sum(row.started for row in self.months)

    @property
    def stopped(self) -> int:
        return sum(row.stopped for row in self.months)

    @property
    def closing_active(self) -> int:
        return self.months[-1].active if self.months else self.opening_active

    @property
    def closing_pledged(self) -> Decimal:
        return self.months[-1].pledged if self.months else self.opening_pledged

    @property
    def is_empty(self) -> bool:
        return not (self.opening_active or self.started or self.money.entries)


def _first_of_months(start: date, end: date) -> list[date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def last_months(*, today: date, count: int = 12) -> tuple[date, date]:
    """The period of the last `count` calendar months, this one included, up to today."""
    month = today.replace(day=1)
    for _ in range(count - 1):
        month = (month - timedelta(days=1)).replace(day=1)
    return month, today


def _started_sponsorships():
    """Sponsorships whose first month was paid, with the day they started and, if they
    stopped, the day they last stopped."""
    leaving_active = SponsorshipEvent.objects.filter(
        sponsorship=OuterRef("pk"), from_status=S.ACTIVE, to_status__in=_STOPPED
    ).order_by("-created_at", "-id")
    return (
        Sponsorship.objects.filter(started_on__isnull=False)
        .annotate(
            start_day=Coalesce(received_on("first_donation__"), F("started_on")),
            left_to=Subquery(leaving_active.values("to_status")[:1]),
            left_at=Subquery(leaving_active.values("created_at")[:1]),
        )
        .annotate(
            stop_day=Case(
                When(~Q(status__in=_STOPPED), then=Value(None)),
                # Cancelled straight from active: the provider's date of the cancellation.
                When(
                    Q(left_to=S.CANCELLED, cancelled_at__isnull=False),
                    then=TruncDate("cancelled_at"),
                ),
                When(left_at__isnull=False, then=TruncDate("left_at")),
                # Written without its history (imported, or made by hand): its own dates.
                default=TruncDate(Coalesce("cancelled_at", "updated_at")),
                output_field=DateField(),
            )
        )
        .order_by()
    )


def _by_month(sponsorships, day: str, start: date, end: date) -> dict[date, tuple[int, Decimal]]:
    rows = (
        sponsorships.filter(**{f"{day}__gte": start, f"{day}__lte": end})
        .annotate(month=TruncMonth(day))
        .values("month")
        .annotate(n=Count("id"), pledged=Sum("amount"))
    )
    return {row["month"]: (row["n"], row["pledged"]) for row in rows}


@dataclass(frozen=True)
class _LaterChange:
    """A change of amount, with the days its sponsorship was active."""

    applies_from: date
    delta: Decimal
    start_day: date
    stop_day: date | None

    def undone_on(self, day: date) -> Decimal:
        """What to take off the amounts of today to get those pledged at the end of `day`:
        the change, while its sponsorship was active on `day` and it did not apply yet."""
        active = self.start_day <= day and (self.stop_day is None or day < self.stop_day)
        return self.delta if active and day < self.applies_from else ZERO


def _later_changes(sponsorships, start: date) -> list[_LaterChange]:
    """The changes of amount that apply in the period or after it (earlier ones are in every
    amount the period shows already)."""
    window = sponsorships.filter(pk=OuterRef("sponsorship_id"))
    rows = (
        PledgeChange.objects.filter(applies_from__gte=start)
        .annotate(
            start_day=Subquery(window.values("start_day")[:1]),
            stop_day=Subquery(window.values("stop_day")[:1]),
        )
        .filter(start_day__isnull=False)
        .values_list("applies_from", "old_amount", "new_amount", "start_day", "stop_day")
    )
    return [_LaterChange(day, new - old, begun, ended) for day, old, new, begun, ended in rows]


def _undone(changes: list[_LaterChange], day: date) -> Decimal:
    return sum((change.undone_on(day) for change in changes), ZERO)


def monthly_giving(start: date, end: date) -> MonthlyGiving:
    """Every calendar month from `start` to `end` (partial months count only their days in
    the period), with its recurring income and its sponsorships."""
    income = money_in(start=start, end=end, by="month", frequency=Donation.Frequency.MONTHLY)
    sponsorships = _started_sponsorships()
    was_active = Q(start_day__lt=start) & (Q(stop_day__isnull=True) | Q(stop_day__gte=start))
    opening = sponsorships.aggregate(
        n=Count("id", filter=was_active), pledged=Sum("amount", filter=was_active)
    )
    started = _by_month(sponsorships, "start_day", start, end)
    stopped = _by_month(sponsorships, "stop_day", start, end)
    changes = _later_changes(sponsorships, start)
    # Sums of today's amounts, month by month; each month end then takes off what changed later.
    active, pledged_now = opening["n"], opening["pledged"] or ZERO
    months = []
    for month in _first_of_months(start, end):
        new, new_pledged = started.get(month, (0, ZERO))
        gone, gone_pledged = stopped.get(month, (0, ZERO))
        active += new - gone
        pledged_now += new_pledged - gone_pledged
        month_end = min((month + timedelta(days=32)).replace(day=1) - timedelta(days=1), end)
        months.append(
            GivingMonth(
                month=month,
                money=income.get(month, MoneyIn()),
                started=new,
                stopped=gone,
                active=active,
                pledged=pledged_now - _undone(changes, month_end),
            )
        )
    return MonthlyGiving(
        start=start,
        end=end,
        opening_active=opening["n"],
        opening_pledged=(opening["pledged"] or ZERO) - _undone(changes, start - timedelta(days=1)),
        months=months,
    )
