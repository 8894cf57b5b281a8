"""What the donor's page shows: only this donor's gifts, sponsorships and statements."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Prefetch
from django.utils.translation import get_language

from agreements.models import PeriodicGiftAgreement
from annual_statements.models import AnnualStatement
from crowdfund.money import format_typed
from donors.models import Donor
from ledger.donor_figures import donor_years
from ledger.models import Donation, Refund
from ledger.selectors import RECEIVED_ON, gift_net
from mygifts.forms import AmountForm, StatementForm, past_years
from sponsorships.models import Sponsorship

# A gift recorded but never sent to a provider is no gift yet; every other state is shown.
SHOWN = [s for s in Donation.Status.values if s != Donation.Status.NEW]


@dataclass
class GiftYear:
    year: int
    gifts: list[Donation]


def donor_gifts(*, donor: Donor) -> list[Donation]:
    gifts = list(
        Donation.objects.filter(donor=donor, status__in=SHOWN)
        .annotate(day=RECEIVED_ON)
        .select_related("prisoner")
        .prefetch_related(Prefetch("refunds", queryset=Refund.objects.order_by("created_at")))
        .order_by("-day", "-id")
    )
    for gift in gifts:
        gift.net = gift_net(gift) if gift.is_paid and gift.refunds.all() else None
    return gifts


def donor_page(*, donor: Donor) -> dict:
    sponsorships = list(
        Sponsorship.objects.filter(donor=donor).select_related("prisoner").order_by("-created_at")
    )
    statements = defaultdict(list)
    for issued in AnnualStatement.objects.filter(donor=donor).defer("pdf"):
        statements[issued.year].append(issued)
    years = past_years(donor_years(donor_id=donor.pk))
    language = get_language()
    for sponsorship in sponsorships:
        active = sponsorship.status == Sponsorship.Status.ACTIVE
        initial = {"amount": format_typed(sponsorship.amount, language)}
        form = AmountForm(prefix=f"s{sponsorship.pk}", initial=initial)
        sponsorship.amount_form = form if active else None
    gifts = donor_gifts(donor=donor)
    return {
        "donor": donor,
        "gifts": gifts,
        # Years of monthly gifts make a long list: one fold per year, the newest open.
        "gift_years": [
            GiftYear(year, list(group)) for year, group in groupby(gifts, lambda g: g.day.year)
        ],
        "sponsorships": sponsorships,
        "agreements": list(
            PeriodicGiftAgreement.objects.filter(donor=donor)
            .only("number", "status", "yearly_amount", "first_year", "final_pdf", "terms_pdf")
            .order_by("-created_at")
        ),
        "statement_years": [(year, statements.get(year, [])) for year in years],
        "statement_form": StatementForm(years=years),
    }
