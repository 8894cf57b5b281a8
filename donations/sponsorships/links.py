"""The donor's signed links: stop a sponsorship, or start it again after a suspension."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from donations.models import Sponsorship

# A salt of its own, so a token signed for anything else on the site never opens this.
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
        path = reverse("donations:sponsorship_cancel", args=[sponsorship_token(sponsorship)])
    return settings.SITE_URL + path


def sponsorship_restart_url(sponsorship: Sponsorship) -> str:
    """The donate page, preset to sponsor the same fund with the same amount again."""
    query = {"frequency": "monthly", "amount": f"{sponsorship.amount:.2f}"}
    if sponsorship.prisoner_id:
        query["prisoner"] = sponsorship.prisoner.slug
    with translation.override(sponsorship.language):
        path = reverse("donations:donate")
    return f"{settings.SITE_URL}{path}?{urlencode(query)}"
