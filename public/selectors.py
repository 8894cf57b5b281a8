"""What the public pages read: the prisoners' cards, and what each page shows."""

from decimal import Decimal

from django.conf import settings
from django.http import Http404
from modeltranslation.utils import build_localized_fieldname

from ledger.running_totals import fund_raised
from ledger.selectors import ZERO, with_raised
from prisoners.models import Prisoner
from public.cards import CardRow
from sponsorships.selectors import (
    SponsorshipTotals,
    sponsorship_totals,
    sponsorship_totals_per_prisoner,
)


def prisoners_for_cards() -> tuple[list[CardRow], Prisoner | None]:
    """The published prisoners in order, as their cards' keys need them (public/cards.py),
    and the first one with a photo: a shared link to the campaign shows that face.

    Plain rows: with 50 prisoners, making a model of each cost more than reading their kept
    cards. The one prisoner shown in the link is made from its row, with its photo and the
    photo's description in every language (the description falls back as on the page).
    """
    alts = [build_localized_fieldname("photo_alt", code) for code, _name in settings.LANGUAGES]
    funds = fund_raised()
    rows, shared = [], None
    query = Prisoner.objects.published().values_list("pk", "updated_at", "photo", *alts)
    for pk, updated_at, photo, *alt in query:
        rows.append(CardRow(pk, updated_at, funds.get(pk, ZERO)))
        if shared is None and photo:
            shared = Prisoner.from_db(None, ["id", "photo", *alts], [pk, photo, *alt])
    return rows, shared


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
