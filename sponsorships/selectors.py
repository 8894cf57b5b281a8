"""What the public pages may show of monthly giving (counts and sums, never a donor), and
which sponsorships are still running or may yet start."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from ledger.models import Donation
from sponsorships.models import Sponsorship

# A first payment that ended in one of these never starts its sponsorship: "try again"
# makes a new one. It stays pending in the books, and counts nowhere.
FIRST_PAYMENT_ENDED = [Donation.Status.FAILED, Donation.Status.CANCELED, Donation.Status.EXPIRED]


def never_started() -> Q:
    """Pending sponsorships whose first payment failed, was cancelled or expired."""
    return Q(status=Sponsorship.Status.PENDING, first_donation__status__in=FIRST_PAYMENT_ENDED)


def sponsorships_running() -> QuerySet:
    """Active sponsorships, and pending ones whose first payment may still arrive."""
    return Sponsorship.objects.filter(
        status__in=[Sponsorship.Status.ACTIVE, Sponsorship.Status.PENDING]
    ).exclude(never_started())


@dataclass(frozen=True)
class SponsorshipTotals:
    active_sponsors: int
    monthly_pledged: Decimal


def sponsorship_totals() -> SponsorshipTotals:
    """Active sponsorships, and what they pledge per month together (home page figure)."""
    row = Sponsorship.objects.filter(status=Sponsorship.Status.ACTIVE).aggregate(
        count=Count("id"), pledged=Sum("amount")
    )
    return SponsorshipTotals(row["count"], row["pledged"] or Decimal("0.00"))


def sponsorship_totals_per_prisoner() -> dict[int | None, SponsorshipTotals]:
    """The same per prisoner id (None: the general fund), for the prisoner pages."""
    rows = (
        Sponsorship.objects.filter(status=Sponsorship.Status.ACTIVE)
        .values("prisoner_id")
        .annotate(count=Count("id"), pledged=Sum("amount"))
        .order_by()
    )
    return {r["prisoner_id"]: SponsorshipTotals(r["count"], r["pledged"]) for r in rows}


def with_sponsorship_totals(prisoners: QuerySet) -> QuerySet:
    """The prisoners, each annotated with `active_sponsors` and `monthly_pledged`: two
    subqueries in the same query, however many prisoners are listed."""
    active = (
        Sponsorship.objects.filter(prisoner=OuterRef("pk"), status=Sponsorship.Status.ACTIVE)
        .order_by()
        .values("prisoner")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    return prisoners.annotate(
        active_sponsors=Coalesce(Subquery(active.annotate(n=Count("id")).values("n")), 0),
        monthly_pledged=Coalesce(
            Subquery(active.annotate(total=Sum("amount")).values("total")),
            Value(Decimal("0.00")),
            output_field=money,
        ),
    )
