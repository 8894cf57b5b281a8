"""The signing links: one per signer, single-purpose, valid for 14 days.

Each role has a salt of its own, so a link for the donor cannot sign as the partner, and no
token signed for anything else on the site (a sponsorship's cancel link, a donor's page)
opens either. Django's signing compares the signature in constant time.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from agreements.models import AgreementSignature, PeriodicGiftAgreement

Role = AgreementSignature.Role
SIGNING_ROLES = (Role.DONOR, Role.PARTNER)
SALTS = {Role.DONOR: "agreements.sign.donor", Role.PARTNER: "agreements.sign.partner"}
MAX_AGE = 14 * 24 * 60 * 60
URL_NAMES = {Role.DONOR: "agreements:sign", Role.PARTNER: "agreements:co_sign"}


@dataclass(frozen=True)
class LinkCheck:
    """What a link says: its agreement, or why it cannot be used ("invalid" or "expired")."""

    agreement: PeriodicGiftAgreement | None
    problem: str = ""


def signing_token(agreement: PeriodicGiftAgreement, role: str) -> str:
    payload = {"agreement": str(agreement.public_id), "role": str(role)}
    return signing.dumps(payload, salt=SALTS[role], compress=False)


def signing_token_check(token: str, role: str, *, max_age: int = MAX_AGE) -> LinkCheck:
    """The agreement a genuine, unexpired token for `role` names."""
    try:
        payload = signing.loads(token, salt=SALTS[role], max_age=max_age)
    except signing.SignatureExpired:
        return LinkCheck(None, "expired")
    except signing.BadSignature:
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
