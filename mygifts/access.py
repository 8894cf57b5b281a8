"""Who may see a donor's page: the holder of a fresh manage link, then their session.

A manage link names the donor and a fingerprint of their current address, so a link stops
working once the address changes (an erasure replaces it). Opening the link stores the
donor in a session with a new key; the page never reads a donor id from the URL.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac

from donors.links import MANAGE, LinkGone, LinkInvalid, link_token, link_value
from donors.models import Donor, normalise_email

SESSION_KEY = "donor_page"


def _fingerprint(email: str) -> str:
    return salted_hmac("donors.address", normalise_email(email)).hexdigest()[:20]


def manage_token(donor: Donor) -> str:
    return link_token(MANAGE, {"donor": donor.pk, "address": _fingerprint(donor.email)})


def manage_url(donor: Donor, language: str) -> str:
    """The absolute link to open the donor's page, valid 24 hours."""
    with translation.override(language):
        path = reverse("mygifts:open", args=[manage_token(donor)])
    return settings.SITE_URL + path


def donor_from_token(token: str) -> Donor:
    """The donor a genuine, fresh manage link names. Raises LinkExpired, LinkGone (a genuine
    link whose donor was erased or anonymised since) or LinkInvalid."""
    value = link_value(MANAGE, token)
    if not isinstance(value, dict):
        raise LinkInvalid(MANAGE.name)
    donor = Donor.objects.filter(pk=value.get("donor")).first()
    if donor is None or not constant_time_compare(
        _fingerprint(donor.email), str(value.get("address", ""))
    ):
        # Only this site signs a link, so its address was the donor's: it has been replaced
        # (erasure, or retention after the last gift) or the record removed.
        raise LinkGone(MANAGE.name)
    return donor


def donor_session_open(*, session, donor: Donor) -> None:
    # A new key: whoever knew the session id before the link was opened learns nothing.
    session.cycle_key()
    session[SESSION_KEY] = {
        "donor": donor.pk,
        "address": _fingerprint(donor.email),
        "opened_at": int(time.time()),
    }


def donor_session_get(*, session) -> Donor | None:
    """The donor this session opened, while the session is young and the address unchanged."""
    value = session.get(SESSION_KEY)
    if not isinstance(value, dict):
        return None
    opened_at = value.get("opened_at")
    if not isinstance(opened_at, int) or time.time() - opened_at > settings.DONOR_SESSION_MAX_AGE:
        session.pop(SESSION_KEY, None)
        return None
    donor = Donor.objects.filter(pk=value.get("donor")).first()
    if donor is None or not constant_time_compare(
        _fingerprint(donor.email), str(value.get("address", ""))
    ):
        session.pop(SESSION_KEY, None)
        return None
    return donor


def donor_session_close(*, session) -> None:
    session.pop(SESSION_KEY, None)
    session.cycle_key()
