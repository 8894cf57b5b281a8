"""Django's Redis cache, for a Redis that can be down (settings.CACHES with REDIS_URL).

Without this, a Redis outage made every public page answer 500 while /healthz said 200, so a
load balancer kept sending donors to a broken server. Now:

- a read is a miss and a write is dropped: the pages are rendered as if nothing were kept;
- add() and incr(), what a lock or a rate limit counts with, raise CacheUnavailable instead
  of answering wrongly: the caller decides (crowdfund/rate_limits.py);
- after a failure, this process leaves that Redis alone for OUTAGE_SECONDS, so a Redis that
  never answers costs each worker one timeout every few seconds, not one per request;
- `ping()` asks Redis, or says down while the last failure is that recent: /healthz reports it.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from crowdfund.caching import CacheUnavailable

logger = logging.getLogger(__name__)

# How long a process serves without a Redis that failed before trying it again.
OUTAGE_SECONDS = 5
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)

# Per Redis location: until when this process leaves it alone. Shared by the threads' own
# cache objects (Django makes one per thread).
_down_until: dict[str, float] = {}
_lock = threading.Lock()


def forget_outages() -> None:
    with _lock:
        _down_until.clear()


class SharedRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = ",".join(self._servers)

    def _is_down(self) -> bool:
        return time.monotonic() < _down_until.get(self._location, 0)

    def _went_down(self, error: Exception) -> None:
        with _lock:
            first = not self._is_down()
            _down_until[self._location] = time.monotonic() + OUTAGE_SECONDS
        if first:
            logger.warning(
                "Shared cache (Redis) unavailable: %s. Pages are served without it and online "
                "checkouts are refused until it answers; trying again in %s seconds.",
                error.__class__.__name__,
                OUTAGE_SECONDS,
            )

    def _or(self, fallback, method, *args):
        """`method(*args)`, or `fallback` (a miss, a dropped write) while Redis is down."""
        if self._is_down():
            return fallback
        try:
            return method(*args)
        except UNREACHABLE as error:
            self._went_down(error)
            return fallback

    def _counted(self, method, *args):
        """`method(*args)`, whose answer a caller acts on: none is made up while Redis is down."""
        if self._is_down():
            raise CacheUnavailable(self._location)
        try:
            return method(*args)
        except UNREACHABLE as error:
            self._went_down(error)
            raise CacheUnavailable(self._location) from error

    def ping(self) -> bool:
        """Whether Redis answers: asked, unless it failed in the last OUTAGE_SECONDS, so that a
        Redis that never answers holds a health check for one timeout at most."""
        if self._is_down():
            return False
        try:
            self._cache.get_client(None, write=False).ping()
        except UNREACHABLE as error:
            self._went_down(error)
            return False
        with _lock:
            _down_until.pop(self._location, None)
        return True

    def get(self, key, default=None, version=None):
        return self._or(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._or({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._or(False, super().has_key, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._or(None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # The keys that were not set: all of them.
        return self._or(list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._or(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        self._or(None, super().delete_many, keys, version)

    def clear(self):
        return self._or(False, super().clear)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._counted(super().add, key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        return self._counted(super().incr, key, delta, version)
