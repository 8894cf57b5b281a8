"""Single-purpose signed links: what a donor (or a partner) opens from an email.

A link is a value signed with Django's signing (HMAC-SHA256 with SECRET_KEY, compared in
constant time) under a salt of its own purpose, so a token made for one purpose never opens
another: a manage link cannot sign an agreement. Where the purpose has a lifetime, the
token carries the moment it was made and is refused after it.

Other apps declare their purposes the same way (`LinkPurpose("agreements.sign", …)`) and
use `link_token` and `link_value`; nothing here knows what the value means.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing


class LinkInvalid(Exception):
    """The token was forged, damaged, cut short, or made for another purpose."""


class LinkExpired(LinkInvalid):
    """The token is genuine but older than its purpose allows."""


class LinkGone(LinkInvalid):
    """The token is genuine, but what it opened no longer exists (its donor was erased)."""


@dataclass(frozen=True)
class LinkPurpose:
    """What a link is for. `name` is the salt (unique per purpose, never reused for another
    meaning); `max_age` its lifetime, or None for a link that stays valid while its object
    does (the caller then checks the object's state)."""

    name: str
    max_age: timedelta | None = None

    @property
    def salt(self) -> str:
        return f"crowdfund.link.{self.name}"


# The donor's own page: valid 24 hours, from any device, asked for again when lost.
MANAGE = LinkPurpose("donors.manage", timedelta(hours=24))


def link_token(purpose: LinkPurpose, value: str | int | dict) -> str:
    """A URL-safe token only this site can make, for this purpose alone."""
    return signing.dumps(value, salt=purpose.salt, compress=False)


def link_value(purpose: LinkPurpose, token: str):
    """The value a genuine, unexpired token of this purpose carries.

    Raises LinkExpired for a genuine token past its lifetime and LinkInvalid for anything
    else (a forged or damaged token, or one made for another purpose).
    """
    try:
        return signing.loads(token, salt=purpose.salt, max_age=purpose.max_age)
    except signing.SignatureExpired as exc:
        raise LinkExpired(purpose.name) from exc
    except signing.BadSignature as exc:
        raise LinkInvalid(purpose.name) from exc
