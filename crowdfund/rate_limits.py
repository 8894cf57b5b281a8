"""Counting in the shared cache (settings.CACHES["default"]), for the rate limits.

Every worker of every app server sees the same counts. Values are hashed: the cache must not
become a list of donors' addresses. No count outlives its window: a window is a key of its
own, so whatever a backend does with a key's lifetime when it counts (the database cache
writes the row again with its default lifetime), a limit reached once ends with its window.

Both functions raise CacheUnavailable when the shared cache does not answer; each caller
decides whether its limit then lets the request through or refuses it.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache

from crowdfund.caching import CacheUnavailable

__all__ = ["CacheUnavailable", "hit", "slot_take"]


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"rate:{kind}:{digest}"


def hit(kind: str, value: str, *, limit: int, window: int) -> bool:
    """Count one more in this window and say whether the count is still within `limit`.

    A window starts at its first count and lasts `window` seconds. Its start is written once
    (add, never refreshed) and names the window's counter, so the next window counts under a
    key of its own, whatever lifetime the backend gave the last one.
    """
    base = _key(kind, value)
    start = cache.get_or_set(f"{base}:start", lambda: time.time_ns(), timeout=window)
    key = f"{base}:{start}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def slot_take(kind: str, value: str, *, slots: int, window: int) -> bool:
    """Take one of `slots` places, each held for `window` seconds from when it was taken:
    at most `slots` are granted in any `window` seconds. False when all are held."""
    key = _key(kind, value)
    # add() is atomic in every backend: two workers never take the same place.
    return any(cache.add(f"{key}:{n}", 1, timeout=window) for n in range(slots))
