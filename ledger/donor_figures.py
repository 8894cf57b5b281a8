"""One donor's figures: what their annual statement and their page show. Built on `money_in`,
the query every report uses, so a donor's statement and the treasurer's report agree."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from ledger.models import Donation
from ledger.selectors import RECEIVED_ON, MoneyIn, money_in


@dataclass
class DonorGift:
    """One paid gift on a donor's statement, with what went back and what was corrected."""

    donation: Donation
    money: MoneyIn

    @property
    def day(self) -> date:
        return self.donation.day


@dataclass
class DonorYear:
    """A donor's gifts received in one calendar year, net of refunds, chargebacks and
    corrections (dated on their gift's day: see `money_in(on_gift_day=True)`)."""

    year: int
    gifts: list[DonorGift]
    total: MoneyIn

    def digest(self) -> str:
        """Changes whenever a figure on the statement would: a refund, a correction, a gift."""
        rows = [
            (g.donation.pk, str(g.money.received), str(g.money.refunded), str(g.money.corrected))
            for g in self.gifts
        ]
        return hashlib.sha256(repr((self.year, rows)).encode()).hexdigest()


def donor_year(*, donor_id: int, year: int) -> DonorYear:
    """What one donor gave in a year, gift by gift: the annual statement's figures.

    Built on `money_in`, the same query every report uses, so the statement and the
    treasurer's report count the same money the same way. Two queries.
    """
    start, end = date(year, 1, 1), date(year, 12, 31)
    per_gift = money_in(start=start, end=end, by="gift", donor_id=donor_id, on_gift_day=True)
    donations = (
        Donation.objects.filter(pk__in=per_gift, donor_id=donor_id)
        .annotate(day=RECEIVED_ON)
        .select_related("prisoner")
        .order_by("day", "id")
    )
    gifts = [DonorGift(donation, per_gift[donation.pk]) for donation in donations]
    total = MoneyIn()
    for gift in gifts:
        total.add(gift.money)
    return DonorYear(year=year, gifts=gifts, total=total)


def donor_money_in(*, donor_id: int, start: date, end: date) -> MoneyIn:
    """One donor's money in for a period, each entry on its own date: the treasurer's
    report's figure, restricted to this donor."""
    total = MoneyIn()
    for row in money_in(start=start, end=end, donor_id=donor_id).values():
        total.add(row)
    return total


def donor_years(*, donor_id: int) -> list[int]:
    """The years in which a donor has a paid gift, newest first."""
    years = (
        Donation.objects.paid()
        .filter(donor_id=donor_id)
        .annotate(day=RECEIVED_ON)
        .dates("day", "year", order="DESC")
    )
    return [day.year for day in years]
