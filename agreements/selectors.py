"""What came in under each agreement, per year, and which years fell short of it.

A year's figure is the gifts linked to the agreement that arrived in that year (a sponsorship's
months, and the gifts the treasurer linked), each net of its refunds, chargebacks and
corrections: the same money logic as every other total (`ledger.selectors`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from agreements.models import PeriodicGiftAgreement
from donors.models import Donor
from ledger.models import Correction, Donation, Refund
from ledger.selectors import MONEY, RECEIVED, RECEIVED_ON, REFUNDED, ZERO

Status = PeriodicGiftAgreement.Status
# Agreements whose payments are due: in force, or ended (for the years before the end).
BINDING = [Status.COUNTERSIGNED, Status.ENDED]
# Signed by the donor at least and not ended: the donor's details must stay.
RUNNING = [Status.DONOR_SIGNED, Status.PARTNER_SIGNED, Status.COUNTERSIGNED]


@dataclass(frozen=True)
class AgreementYear:
    agreement: PeriodicGiftAgreement
    year: int
    agreed: Decimal
    received: Decimal

    @property
    def shortfall(self) -> Decimal:
        return max(self.agreed - self.received, ZERO)


def _net_per_year(agreement_ids: list[int]) -> dict[tuple[int, int], Decimal]:
    """(agreement id, year) → net money in. One query, whatever the number of gifts."""
    refunded = (
        Refund.objects.filter(donation=OuterRef("pk"))
        .order_by()
        .values("donation")
        .annotate(total=Sum(REFUNDED))
        .values("total")
    )
    corrected = (
        Correction.objects.filter(donation=OuterRef("pk"))
        .order_by()
        .values("donation")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    gifts = (
        Donation.objects.paid()
        .filter(
            Q(sponsorship__periodic_gift_agreement__in=agreement_ids)
            | Q(periodic_gift_link__agreement__in=agreement_ids)
        )
        .annotate(
            agreement_id=Coalesce(
                "periodic_gift_link__agreement", "sponsorship__periodic_gift_agreement"
            ),
            day=RECEIVED_ON,
            received=RECEIVED,
            refunded=Coalesce(Subquery(refunded), Value(ZERO), output_field=MONEY),
            corrected=Coalesce(Subquery(corrected), Value(ZERO), output_field=MONEY),
        )
        .values_list("agreement_id", "day", "received", "refunded", "corrected")
    )
    totals: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for agreement_id, day, received, refunds, corrections in gifts:
        totals[(agreement_id, day.year)] += received - refunds + corrections
    return totals


def _due_years(agreement: PeriodicGiftAgreement, until_year: int) -> range:
    last = until_year
    if agreement.last_year is not None:
        last = min(last, agreement.last_year)
    if agreement.ended_on is not None:
        # The year it ended is not a full year of the agreement.
        last = min(last, agreement.ended_on.year - 1)
    return range(agreement.first_year, last + 1)


def agreement_years(agreement: PeriodicGiftAgreement, *, until_year: int | None = None):
    """Every year of the agreement so far (this year included), agreed against received."""
    until_year = until_year or timezone.localdate().year
    totals = _net_per_year([agreement.pk])
    return [
        AgreementYear(agreement, year, agreement.yearly_amount, totals[(agreement.pk, year)])
        for year in _due_years(agreement, until_year)
    ]


def last_closed_year(until: date | None = None) -> int:
    """The last calendar year that is over, on or before `until` (default: today)."""
    today = timezone.localdate()
    until = min(until or today, today)
    return until.year if (until.month, until.day) == (12, 31) and until < today else until.year - 1


def agreement_shortfalls(*, until_year: int | None = None) -> list[AgreementYear]:
    """Closed years in which an agreement's gifts came to less than the agreed amount."""
    until_year = until_year if until_year is not None else last_closed_year()
    agreements = list(
        PeriodicGiftAgreement.objects.filter(status__in=BINDING, first_year__lte=until_year)
    )
    totals = _net_per_year([a.pk for a in agreements])
    short = []
    for agreement in agreements:
        for year in _due_years(agreement, until_year):
            row = AgreementYear(
                agreement, year, agreement.yearly_amount, totals[(agreement.pk, year)]
            )
            if row.shortfall > 0:
                short.append(row)
    return sorted(short, key=lambda row: (row.year, row.agreement.number))


def donors_with_running_agreement(keys: set[str]) -> set[str]:
    """Retention's donor hold: the keys ("email:…") of donors with a running agreement."""
    emails = {key.removeprefix("email:") for key in keys if key.startswith("email:")}
    if not emails:
        return set()
    running = Donor.objects.filter(
        email__in=emails, periodic_gift_agreements__status__in=RUNNING
    ).values_list("email", flat=True)
    return {f"email:{email}" for email in running}
