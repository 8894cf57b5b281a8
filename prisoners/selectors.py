from decimal import Decimal

from django.http import Http404

from donations.selectors import with_raised
from donations.sponsorships.selectors import (
    SponsorshipTotals,
    sponsorship_totals,
    sponsorship_totals_per_prisoner,
)
from prisoners.models import Campaign, Prisoner


def campaign_get() -> Campaign:
    campaign = Campaign.objects.first()
    if campaign is None:
        # Only a brand-new installation has no campaign; `load_demo` or the admin creates it.
        raise Http404("No campaign has been set up yet.")
    return campaign


def prisoners_published() -> list[Prisoner]:
    """The published prisoners with what their cards show (prisoners/cards.py), and no more:
    with 50 of them, reading every column cost more than rendering the cards."""
    fields = ("name", "slug", "summary", "photo", "photo_alt", "situation", "goal", "updated_at")
    return with_raised(Prisoner.objects.published().only(*fields))


def prisoner_published_get(*, slug: str) -> Prisoner:
    prisoner = Prisoner.objects.published().filter(slug=slug).first()
    if prisoner is None:
        raise Http404("No such prisoner.")
    with_raised([prisoner])
    # One grouped query whatever the number of sponsors; a prisoner without any gets zeros.
    prisoner.sponsors = sponsorship_totals_per_prisoner().get(
        prisoner.pk, SponsorshipTotals(0, Decimal("0.00"))
    )
    prisoner.published_updates = list(prisoner.updates.filter(is_published=True))
    return prisoner


def monthly_pledged() -> SponsorshipTotals:
    """What active monthly sponsors give together each month (the home page's figure)."""
    return sponsorship_totals()
