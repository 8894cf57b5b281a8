"""Limits that stop card testing without stopping donors.

A card tester leaves a trail of failed and abandoned payments; a solidarity evening on one
Wi-Fi leaves many successful ones. So the tight limits count failed and abandoned payments
per client address and per email, and the limit on checkout starts per address is generous.

Everything lives in the shared cache (settings.CACHES, through crowdfund/rate_limits.py), so
every worker sees the same counts. Values are hashed: the cache must not become a list of
donors' addresses.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from crowdfund.rate_limits import CacheUnavailable, hit
from ledger.models import Donation

logger = logging.getLogger(__name__)

NOT_PAID = [Donation.Status.FAILED, Donation.Status.CANCELED, Donation.Status.EXPIRED]
# The donations started from one address that are remembered; more says nothing new.
MAX_REMEMBERED = 50


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"donate-rate:{kind}:{digest}"


def _hit(kind: str, value: str, limit: int, window: int | None = None) -> bool:
    """Count one more and say whether the count is still within the limit."""
    window = window or settings.DONATION_RATE_LIMIT_WINDOW
    return hit(f"donate-{kind}", value, limit=limit, window=window)


def _went_wrong(donations) -> int:
    """How many of these failed, were cancelled or expired, or were left open at checkout."""
    abandoned_before = timezone.now() - timedelta(seconds=settings.DONATION_ABANDONED_AFTER)
    return donations.filter(
        Q(status__in=NOT_PAID) | Q(status=Donation.Status.OPEN, created_at__lt=abandoned_before)
    ).count()


def failures_from_ip(ip: str) -> int:
    ids = cache.get(_key("started", ip or "unknown"), [])
    return _went_wrong(Donation.objects.filter(pk__in=ids)) if ids else 0


def failures_for_email(email: str) -> int:
    since = timezone.now() - timedelta(seconds=settings.DONATION_FAILURE_WINDOW)
    return _went_wrong(Donation.objects.filter(donor_email__iexact=email, created_at__gte=since))


def checkout_allowed(*, ip: str, email: str) -> bool:
    """May this address and email start another checkout? Counts the start.

    Raises CacheUnavailable when the shared cache does not answer: the limits against card
    testing cannot count then, and a checkout is refused rather than let through unlimited.
    """
    ip = ip or "unknown"
    # Both counters count every start, so neither is skipped when the other is over.
    ip_ok = _hit("ip", ip, settings.DONATION_RATE_LIMIT_STARTS_PER_IP)
    email_ok = _hit("email", email, settings.DONATION_RATE_LIMIT_STARTS_PER_EMAIL)
    return (
        ip_ok
        and email_ok
        and failures_from_ip(ip) < settings.DONATION_FAILURES_PER_IP
        and failures_for_email(email) < settings.DONATION_FAILURES_PER_EMAIL
    )


def checkout_started(*, ip: str, donation_id: int) -> None:
    """Remember which donation this address started, to count its failures later.

    Read-modify-write: two starts from one address in the same instant may keep only one
    of the two ids. A limit that counts one failure fewer is acceptable; a lock is not
    worth it here.
    """
    key = _key("started", ip or "unknown")
    ids = [*cache.get(key, []), donation_id][-MAX_REMEMBERED:]
    cache.set(key, ids, timeout=settings.DONATION_FAILURE_WINDOW)


def sending_allowed(*, ip: str) -> bool:
    """Bank details by email: generous for people, a wall for a script mailing strangers.

    Lets the request through when the shared cache does not answer: one email, no money.
    """
    try:
        return _hit("mail", ip or "unknown", settings.DONATION_RATE_LIMIT_STARTS_PER_IP)
    except CacheUnavailable:
        logger.warning("Shared cache unavailable: bank details sent without their limit")
        return True


def unasked_mail_allowed(*, email: str) -> bool:
    """May the site email this address something that whoever typed it may have asked for in
    someone else's name (a signing link)? Counts it, per address, from any connection.

    The caller answers the same either way: a different answer would tell a stranger that
    the address was given before. Lets it through when the shared cache does not answer, as
    the bank details: one email, and nothing joins a donor's page unless its owner signs.
    """
    try:
        return _hit(
            "unasked", email, settings.UNASKED_MAIL_PER_ADDRESS, settings.UNASKED_MAIL_WINDOW
        )
    except CacheUnavailable:
        logger.warning("Shared cache unavailable: a signing link sent without its limit")
        return True
