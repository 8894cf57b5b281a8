"""The donor's links: stop a sponsorship, start it again after a suspension (both signed),
and what the thank-you page says: the invitation to give monthly after a one-off gift, or
the sponsorship a first month started."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from ledger.models import Donation
from sponsorships.models import Sponsorship

# A salt of its own, so a token signed for anything else on the site never opens this.
# The name it had before the split: the links already in donors' emails are signed with it.
_SALT = "donations.sponsorship.cancel"


def sponsorship_token(sponsorship: Sponsorship) -> str:
    """A token only the site can make: the public id, signed. It never expires by date;
    it stops mattering when the sponsorship ends."""
    return signing.dumps(str(sponsorship.public_id), salt=_SALT, compress=False)


def sponsorship_from_token(token: str) -> Sponsorship | None:
    """The sponsorship a genuine token names, or None for a forged or damaged one."""
    try:
        public_id = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    return (
        Sponsorship.objects.select_related("prisoner", "donor").filter(public_id=public_id).first()
    )


def sponsorship_cancel_url(sponsorship: Sponsorship) -> str:
    """The absolute cancel link, in the donor's language."""
    with translation.override(sponsorship.language):
        path = reverse("sponsorships:sponsorship_cancel", args=[sponsorship_token(sponsorship)])
    return settings.SITE_URL + path


def sponsorship_retry_url(donation: Donation) -> str:
    """The donate page, as "Try again" on the thank-you page opens it for this first month
    (the same method, amount and fund; no name or email, which the link must not carry)."""
    with translation.override(donation.language):
        path = reverse("giving:donate")
    return f"{settings.SITE_URL}{path}?{urlencode({'retry': str(donation.public_id)})}"


def sponsorship_restart_url(sponsorship: Sponsorship) -> str:
    """The donate page, preset to sponsor the same fund with the same amount again."""
    query = {"frequency": "monthly", "amount": f"{sponsorship.amount:.2f}"}
    if sponsorship.prisoner_id:
        query["prisoner"] = sponsorship.prisoner.slug
    with translation.override(sponsorship.language):
        path = reverse("giving:donate")
    return f"{settings.SITE_URL}{path}?{urlencode(query)}"


@dataclass(frozen=True)
class MonthlyInvitation:
    amount: Decimal
    url: str


def monthly_suggestion(gift: Decimal) -> Decimal:
    """A month's amount to suggest after a one-off gift: the largest monthly preset that is
    not more than the gift (€25 once → €25 a month, €100 once → €50), else the gift itself."""
    fitting = [p for p in settings.DONATION_MONTHLY_PRESETS if p <= gift]
    return max(fitting) if fitting else gift


def first_month_of(donation: Donation) -> Sponsorship | None:
    """The sponsorship whose first month this gift is (the thank-you page then speaks of
    the sponsorship, not of a one-off gift), or None."""
    if not donation.sponsorship_id:
        return None
    return Sponsorship.objects.select_related("prisoner").filter(first_donation=donation).first()


def monthly_invitation(donation: Donation) -> MonthlyInvitation | None:
    """For a paid one-off gift: the donate page, in the current language, preset to give
    monthly to the same fund. None for any other gift, or a prisoner no longer on the site."""
    if donation.status != Donation.Status.PAID:
        return None
    if donation.frequency != Donation.Frequency.ONE_OFF or donation.sponsorship_id:
        return None
    if donation.prisoner_id and not donation.prisoner.is_published:
        return None
    amount = monthly_suggestion(donation.amount)
    query = {"frequency": "monthly", "amount": f"{amount:.2f}"}
    if donation.prisoner_id:
        query["prisoner"] = donation.prisoner.slug
    return MonthlyInvitation(amount, f"{reverse('giving:donate')}?{urlencode(query)}")
