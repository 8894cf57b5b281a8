"""How often a link to a donor's page may be asked for, and sent.

Three limits, none of which can keep a donor from their own link:

- per client address (DONOR_LINK_RATE_LIMIT_PER_IP an hour): a script probing who gave, from
  one connection, gets the 429 page;
- per client address and email (DONOR_LINK_RATE_LIMIT_PER_IP_AND_EMAIL): a client's further
  requests for one address get the usual answer and send nothing, so a stranger asking for
  a donor's address from their own connection fills neither the donor's inbox nor its cap;
- per email, counting only links sent (DONOR_LINK_RATE_LIMIT_PER_EMAIL in any hour): the
  inbox cap, for a stranger who asks from a new address each time. It refuses silently:
  the page says what it always says. When it stops a link, that many links went to the
  inbox within the hour, and each opens the donor's page for 24 hours (donors/links.py),
  so the donor already holds a working one.

Each counts for an hour at most (crowdfund/rate_limits.py), however often anyone asks.
When the shared cache does not answer, all three let the request through: a link goes
only to the donor's own inbox, and a donor must not lose it to an outage.
"""

from __future__ import annotations

import logging

from django.conf import settings

from crowdfund.rate_limits import CacheUnavailable, hit, slot_take

logger = logging.getLogger(__name__)


def _or_allowed(count) -> bool:
    try:
        return count()
    except CacheUnavailable:
        logger.warning("Shared cache unavailable: a donor-link limit lets the request through")
        return True


def link_request_allowed(*, ip: str) -> bool:
    """May this client ask for another link (for any address)? Counts the request."""
    return _or_allowed(
        lambda: hit(
            "link-ip",
            ip or "unknown",
            limit=settings.DONOR_LINK_RATE_LIMIT_PER_IP,
            window=settings.DONOR_LINK_RATE_LIMIT_WINDOW,
        )
    )


def link_request_sends(*, ip: str, email: str) -> bool:
    """Does this client's request for this address send a link? Counts the request.

    Known and unknown addresses are counted alike, so the answer says nothing about who gave.
    """
    return _or_allowed(
        lambda: hit(
            "link-ip-email",
            f"{ip or 'unknown'} {email}",
            limit=settings.DONOR_LINK_RATE_LIMIT_PER_IP_AND_EMAIL,
            window=settings.DONOR_LINK_RATE_LIMIT_WINDOW,
        )
    )


def link_send_allowed(*, email: str) -> bool:
    """May one more link go to this inbox now? Takes its place if so."""
    return _or_allowed(
        lambda: slot_take(
            "link-sent",
            email,
            slots=settings.DONOR_LINK_RATE_LIMIT_PER_EMAIL,
            window=settings.DONOR_LINK_RATE_LIMIT_WINDOW,
        )
    )
