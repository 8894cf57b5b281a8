"""The shared caches, as the settings' CACHES.

The rate limits, the public report's build lock and the page cache must be seen by every
worker of every app server: Redis when there is one (several app servers), else a table in
the database (one machine with several workers; `migrate` makes the tables, see
crowdfund/migrations/0002_database_cache_tables.py). Per-process memory only in the tests
(tests/conftest.py).
"""


class CacheUnavailable(Exception):
    """The shared cache did not answer, so a count or a lock in it cannot be trusted."""


# A Redis on the same network answers in a millisecond; one that does not answer in a second
# is taken for down (crowdfund/cache_backend.py) rather than holding every request.
REDIS_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}


def caches_setting(redis_url: str) -> dict:
    if redis_url:
        # Django's Redis cache, made to serve without Redis while it is down.
        backend = "crowdfund.cache_backend.SharedRedisCache"
        return {
            "default": {"BACKEND": backend, "LOCATION": redis_url, "OPTIONS": REDIS_OPTIONS},
            "pages": {
                "BACKEND": backend,
                "LOCATION": redis_url,
                "KEY_PREFIX": "pages",
                "OPTIONS": REDIS_OPTIONS,
            },
        }
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "crowdfund_cache",
            # Its incr() writes the row again with this lifetime: at least the longest rate
            # limit's window, so a count never ends before its window does.
            "TIMEOUT": 60 * 60,
        },
        # A table of its own: a full table drops a third of its rows, and pages at new
        # addresses (any query string) or new versions must never push out a rate limit.
        "pages": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "crowdfund_page_cache",
            "OPTIONS": {"MAX_ENTRIES": 3000},
        },
    }


def database_cache_tables() -> list[str]:
    """The database caches' tables: those the site uses without REDIS_URL, whatever it is now
    (a later switch away from Redis finds them), and any other the settings name."""
    # Imported here: the settings import this module.
    from django.conf import settings
    from django.core.cache import caches
    from django.core.cache.backends.db import BaseDatabaseCache

    tables = [cache["LOCATION"] for cache in caches_setting("").values()]
    for alias in settings.CACHES:
        backend = caches[alias]
        if isinstance(backend, BaseDatabaseCache) and backend._table not in tables:
            tables.append(backend._table)
    return tables


def cache_answers(alias: str) -> bool:
    """Whether the shared cache `alias` answers (see SharedRedisCache.ping for Redis)."""
    # Imported here: the settings import this module.
    from django.core.cache import caches
    from django.db import DatabaseError

    backend = caches[alias]
    if hasattr(backend, "ping"):
        return backend.ping()
    try:
        backend.get("healthz-probe")
    except DatabaseError:
        return False
    return True
