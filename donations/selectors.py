"""Read-only queries on the ledger. Every total on the site comes from here."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from donations.models import Category, Donation, Purpose

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Totals:
    raised: Decimal
    donors: int


def campaign_totals() -> Totals:
    """Money raised and the number of donors, counting paid gifts only (one query)."""
    row = Donation.objects.paid().aggregate(
        raised=Coalesce(Sum("amount"), Value(ZERO), output_field=DecimalField()),
        # A donor with an email counts once however often they gave; a gift without an
        # email (cash, most bank transfers) counts as one donor.
        with_email=Count("donor_email", distinct=True, filter=~Q(donor_email="")),
        without_email=Count("id", filter=Q(donor_email="")),
    )
    return Totals(raised=row["raised"], donors=row["with_email"] + row["without_email"])


def with_raised(prisoners: QuerySet) -> QuerySet:
    """Annotate prisoners with `raised`, the sum of their paid gifts, in the same query."""
    paid_for_prisoner = (
        Donation.objects.paid()
        .filter(prisoner=OuterRef("pk"))
        .order_by()
        .values("prisoner")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return prisoners.annotate(
        raised=Coalesce(Subquery(paid_for_prisoner), Value(ZERO), output_field=DecimalField())
    )


def categories_by_purpose() -> list[tuple[str, list[Category]]]:
    categories = list(Category.objects.all())
    return [
        (label, [c for c in categories if c.purpose == value]) for value, label in Purpose.choices
    ]
