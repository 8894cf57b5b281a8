"""Limits on checkout starts, per IP address and per email, kept in the cache."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _hit(kind: str, value: str, limit: int) -> bool:
    # Hash the value: the cache must not become a list of donors' addresses.
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    key = f"donate-rate:{kind}:{digest}"
    cache.add(key, 0, timeout=settings.DONATION_RATE_LIMIT_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.DONATION_RATE_LIMIT_WINDOW)
        count = 1
    return count <= limit


def checkout_allowed(*, ip: str, email: str) -> bool:
    ip_ok = _hit("ip", ip or "unknown", settings.DONATION_RATE_LIMIT_PER_IP)
    email_ok = _hit("email", email, settings.DONATION_RATE_LIMIT_PER_EMAIL)
    return ip_ok and email_ok
