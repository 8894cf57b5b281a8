"""Read-only queries on the ledger. Every total on the site comes from here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth, TruncQuarter
from django.utils import timezone

from ledger import running_totals as totals
from ledger.models import Category, Correction, Donation, Purpose, Refund

ZERO = Decimal("0.00")
# Sums of many 12-digit amounts need room to grow.
MONEY = DecimalField(max_digits=14, decimal_places=2)
# A statement line still in the review queue this long after it was imported is named in the
# treasurer's attention list.
REVIEW_DAYS = 30


def long_in_review_since() -> datetime:
    """Lines imported before this moment and still in review have waited too long."""
    return timezone.now() - timedelta(days=REVIEW_DAYS)


# What actually arrived: the provider's paid amount where it reported one.
RECEIVED = Coalesce("amount_paid", "amount", output_field=MONEY)


# Refunds and chargebacks take money away; a reversed chargeback brings it back.
REFUNDED = Case(
    When(kind=Refund.Kind.CHARGEBACK_REVERSED, then=-F("amount")),
    default=F("amount"),
    output_field=MONEY,
)


@dataclass
class MoneyIn:
    """Money in for one fund (or one quarter): what arrived, what went back, what was corrected.

    `raised` is the one figure of money in that every page, report and overview shows.
    """

    received: Decimal = ZERO
    fees: Decimal = ZERO
    refunded: Decimal = ZERO
    corrected: Decimal = ZERO
    # Ledger rows behind the figures: gifts, refunds and corrections together; `gifts`
    # counts the paid gifts alone.
    entries: int = 0
    gifts: int = 0

    @property
    def raised(self) -> Decimal:
        return self.received - self.refunded + self.corrected

    def add(self, other: MoneyIn) -> None:
        self.received += other.received
        self.fees += other.fees
        self.refunded += other.refunded
        self.corrected += other.corrected
        self.entries += other.entries
        self.gifts += other.gifts


def received_on(gift: str = "") -> Coalesce:
    """The day money arrived: when the bank or provider says so, else when it was marked paid
    (else when it was recorded, so that every gift counts on some day). `gift` is the path
    to the Donation from another model, e.g. "first_donation__"."""
    return Coalesce(
        f"{gift}received_on", TruncDate(f"{gift}paid_at"), TruncDate(f"{gift}created_at")
    )


RECEIVED_ON = received_on()
# The same day, read from a refund's or a correction's gift.
GIFT_RECEIVED_ON = received_on("donation__")
# The day each kind of entry counts on (as its books_entry() dates it for the years' totals).
ENTRY_DAY = {"gift": RECEIVED_ON, "refund": TruncDate("created_at"), "correction": F("date")}
# What each kind of entry is grouped on, for the groupings that are not periods.
_KEYS_OF = {
    "fund": {
        "gift": F("prisoner"),
        "refund": F("donation__prisoner"),
        "correction": F("donation__prisoner"),
    },
    "gift": {"gift": F("id"), "refund": F("donation"), "correction": F("donation")},
}
# The gift a refund or correction belongs to, for filtering by the gift's frequency.
_GIFT = {"gift": "", "refund": "donation__", "correction": "donation__"}
_KEYS = {"quarter": TruncQuarter, "month": TruncMonth}


def money_in(
    *,
    start: date | None = None,
    end: date | None = None,
    by: str = "fund",
    frequency: str | None = None,
    donor_id: int | None = None,
    on_gift_day: bool = False,
) -> dict[object, MoneyIn]:
    """Money in, net of refunds, chargebacks and corrections, keyed by fund (prisoner id, None
    for the general fund), by quarter or by month (its first day), or by gift (its id). Each
    entry counts on its own date: a gift when it arrived, a refund when the provider made it,
    a correction when booked.

    `frequency` keeps only one-off or only monthly gifts, with their refunds and corrections
    (monthly: the sponsorships' months, the recurring income). `donor_id` keeps one donor's
    gifts (and their refunds and corrections). `on_gift_day` dates refunds and corrections on
    their gift's day instead: a donor's annual statement answers "what did I give in that
    year", so a refund in January takes money off the gift of December it returns. Over all
    time both datings give the same sums.

    One query, whatever the size of the ledger.
    """
    if by not in (*_KEYS_OF, *_KEYS):
        raise ValueError(f"money_in cannot group by {by!r}")
    parts = {
        "gift": Donation.objects.paid(),
        "refund": Refund.objects.all(),
        "correction": Correction.objects.all(),
    }
    if donor_id is not None:
        parts = {
            "gift": parts["gift"].filter(donor_id=donor_id),
            "refund": parts["refund"].filter(donation__donor_id=donor_id),
            "correction": parts["correction"].filter(donation__donor_id=donor_id),
        }
    amounts = {"gift": Sum(RECEIVED), "refund": Sum(REFUNDED), "correction": Sum("amount")}
    queries = []
    for kind, queryset in parts.items():
        day = GIFT_RECEIVED_ON if on_gift_day and kind != "gift" else ENTRY_DAY[kind]
        queryset = queryset.annotate(day=day)
        if start is not None:
            queryset = queryset.filter(day__gte=start)
        if end is not None:
            queryset = queryset.filter(day__lte=end)
        if frequency is not None:
            queryset = queryset.filter(**{f"{_GIFT[kind]}frequency": frequency})
        key = _KEYS_OF[by][kind] if by in _KEYS_OF else _KEYS[by]("day")
        fees = Sum("fee") if kind == "gift" else Value(None, output_field=MONEY)
        queries.append(
            queryset.order_by()
            .annotate(key=key)
            .values("key")
            .annotate(
                part=Value(kind), total=amounts[kind], fees=fees, n=Count("id", distinct=True)
            )
            .values_list("key", "part", "total", "fees", "n")
        )
    result: dict[object, MoneyIn] = defaultdict(MoneyIn)
    for key, kind, total, fees, count in queries[0].union(*queries[1:], all=True):
        row = result[key]
        row.entries += count
        if kind == "gift":
            row.received += total or ZERO
            row.fees += fees or ZERO
            row.gifts += count
        elif kind == "refund":
            row.refunded += total or ZERO
        else:
            row.corrected += total or ZERO
    return result


def money_in_total(**period) -> MoneyIn:
    total = MoneyIn()
    for row in money_in(**period).values():
        total.add(row)
    return total


def gift_net(donation: Donation) -> Decimal:
    """What one paid gift still counts for: what arrived, less refunds, plus corrections."""
    refunded = donation.refunds.aggregate(total=Sum(REFUNDED, output_field=MONEY))["total"]
    corrected = donation.corrections.aggregate(total=Sum("amount"))["total"]
    received = donation.amount_paid if donation.amount_paid is not None else donation.amount
    return received - (refunded or ZERO) + (corrected or ZERO)


@dataclass(frozen=True)
class Totals:
    raised: Decimal
    donors: int


def campaign_totals() -> Totals:
    """Money raised (net of refunds, chargebacks and corrections) and the number of donors,
    from the running totals: two small queries, whatever the size of the ledger."""
    return Totals(raised=totals.raised_total(), donors=totals.donors_total())


def campaign_totals_ledger() -> Totals:
    """The same figures summed from the ledger itself (what verify_totals checks against)."""
    paid = Donation.objects.paid()
    # A donor is their donor record, however often they gave; a gift without an email
    # (cash, most bank transfers) has none and counts as one donor.
    with_donor = paid.filter(donor__isnull=False).values("donor").distinct().count()
    without_donor = paid.filter(donor__isnull=True).count()
    return Totals(raised=money_in_total().raised, donors=with_donor + without_donor)


def with_raised(prisoners) -> list:
    """The prisoners, each with `raised`: the same figure as every other page and report,
    read from the running totals."""
    prisoners = list(prisoners)
    funds = totals.fund_raised()
    for prisoner in prisoners:
        prisoner.raised = funds.get(prisoner.pk, ZERO)
    return prisoners


def categories_by_purpose() -> list[tuple[str, list[Category]]]:
    categories = list(Category.objects.all())
    return [
        (label, [c for c in categories if c.purpose == value]) for value, label in Purpose.choices
    ]
