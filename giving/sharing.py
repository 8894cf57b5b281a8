"""Share links for the thank-you page: plain links, no third-party script.

The shared address is the prisoner's page or the home page, never the thanks page: that
one names the gift, and so could name the donor.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from prisoners.models import Prisoner


def share_links(*, prisoner: Prisoner | None) -> dict[str, str]:
    path = reverse("public:detail", args=[prisoner.slug]) if prisoner else reverse("public:home")
    url = settings.SITE_URL + path
    if prisoner:
        text = _("Support %(name)s, a political prisoner in Chile:") % {"name": prisoner.name}
    else:
        text = _("Support political prisoners in Chile and their families:")
    message = f"{text} {url}"
    return {
        "url": url,
        "whatsapp": "https://wa.me/?" + _query(text=message),
        "telegram": "https://t.me/share/url?" + _query(url=url, text=text),
        "email": "mailto:?" + _query(subject=text.rstrip(":"), body=message),
    }


def _query(**params: str) -> str:
    # %20, not "+": mail clients and WhatsApp show a "+" literally.
    return urlencode(params, quote_via=quote)
