"""The signing links: one per signer, single-purpose, valid for 14 days.

Each role is a purpose of its own (`donors.links`), so a link for the donor cannot sign as
the partner, and no token made for anything else on the site (a sponsorship's cancel link,
a donor's page) opens either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from agreements.models import AgreementSignature, PeriodicGiftAgreement
from donors.links import LinkExpired, LinkInvalid, LinkPurpose, link_token, link_value

Role = AgreementSignature.Role
SIGNING_ROLES = (Role.DONOR, Role.PARTNER)
MAX_AGE = 14 * 24 * 60 * 60
PURPOSES = {
    Role.DONOR: LinkPurpose("agreements.sign.donor", timedelta(seconds=MAX_AGE)),
    Role.PARTNER: LinkPurpose("agreements.sign.partner", timedelta(seconds=MAX_AGE)),
}
SALTS = {role: purpose.salt for role, purpose in PURPOSES.items()}
URL_NAMES = {Role.DONOR: "agreements:sign", Role.PARTNER: "agreements:co_sign"}


@dataclass(frozen=True)
class LinkCheck:
    """What a link says: its agreement, or why it cannot be used ("invalid" or "expired")."""

    agreement: PeriodicGiftAgreement | None
    problem: str = ""


def signing_token(agreement: PeriodicGiftAgreement, role: str) -> str:
    payload = {"agreement": str(agreement.public_id), "role": str(role)}
    return link_token(PURPOSES[role], payload)


def signing_token_check(token: str, role: str) -> LinkCheck:
    """The agreement a genuine, unexpired token for `role` names."""
    try:
        payload = link_value(PURPOSES[role], token)
    except LinkExpired:
        return LinkCheck(None, "expired")
    except LinkInvalid:
        return LinkCheck(None, "invalid")
    # The role is inside the signed payload too: belt and braces next to the salt.
    if not isinstance(payload, dict) or payload.get("role") != role:
        return LinkCheck(None, "invalid")
    agreement = PeriodicGiftAgreement.objects.filter(public_id=payload.get("agreement")).first()
    if agreement is None:
        return LinkCheck(None, "invalid")
    return LinkCheck(agreement)


def signing_url(agreement: PeriodicGiftAgreement, role: str) -> str:
    """The absolute link for one signer, in the agreement's language."""
    with translation.override(agreement.language):
        path = reverse(URL_NAMES[role], args=[signing_token(agreement, role)])
    return settings.SITE_URL + path
