"""Read-only queries on the ledger. Every total on the site comes from here."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from donations.models import Category, Donation, Purpose, Refund

ZERO = Decimal("0.00")
# Sums of many 12-digit amounts need room to grow.
MONEY = DecimalField(max_digits=14, decimal_places=2)
# What actually arrived: the provider's paid amount where it reported one.
RECEIVED = Coalesce("amount_paid", "amount", output_field=MONEY)


# Refunds and chargebacks take money away; a reversed chargeback brings it back.
REFUNDED = Case(
    When(kind=Refund.Kind.CHARGEBACK_REVERSED, then=-F("amount")),
    default=F("amount"),
    output_field=MONEY,
)


def _refunded_total() -> Decimal:
    return Refund.objects.aggregate(total=Coalesce(Sum(REFUNDED), Value(ZERO), output_field=MONEY))[
        "total"
    ]


@dataclass(frozen=True)
class Totals:
    raised: Decimal
    donors: int


def campaign_totals() -> Totals:
    """Money raised (paid gifts less refunds and chargebacks) and the number of donors."""
    row = Donation.objects.paid().aggregate(
        raised=Coalesce(Sum(RECEIVED), Value(ZERO), output_field=MONEY),
        # A donor with an email counts once however often they gave; a gift without an
        # email (cash, most bank transfers) counts as one donor.
        with_email=Count("donor_email", distinct=True, filter=~Q(donor_email="")),
        without_email=Count("id", filter=Q(donor_email="")),
    )
    return Totals(
        raised=row["raised"] - _refunded_total(),
        donors=row["with_email"] + row["without_email"],
    )


def with_raised(prisoners: QuerySet) -> QuerySet:
    """Annotate prisoners with `raised` (paid gifts less refunds), in the same query."""
    paid_for_prisoner = (
        Donation.objects.paid()
        .filter(prisoner=OuterRef("pk"))
        .order_by()
        .values("prisoner")
        .annotate(total=Sum(RECEIVED))
        .values("total")
    )
    refunded_for_prisoner = (
        Refund.objects.filter(donation__prisoner=OuterRef("pk"))
        .order_by()
        .values("donation__prisoner")
        .annotate(total=Sum(REFUNDED))
        .values("total")
    )
    return prisoners.annotate(
        raised=Coalesce(Subquery(paid_for_prisoner), Value(ZERO), output_field=MONEY)
        - Coalesce(Subquery(refunded_for_prisoner), Value(ZERO), output_field=MONEY)
    )


def messages_of_support(*, prisoner, limit: int = 10) -> list[Donation]:
    """Public messages for a prisoner: only from paid gifts whose donor agreed to show them."""
    return list(
        Donation.objects.paid()
        .filter(prisoner=prisoner, message_is_public=True)
        .exclude(public_message="")
        .only("public_message", "donor_name", "is_anonymous")
        .order_by("-paid_at")[:limit]
    )


def categories_by_purpose() -> list[tuple[str, list[Category]]]:
    categories = list(Category.objects.all())
    return [
        (label, [c for c in categories if c.purpose == value]) for value, label in Purpose.choices
    ]
