"""The shared caches, as the settings' CACHES.

The rate limits, the public report's build lock and the page cache must be seen by every
worker of every app server: Redis when there is one (several app servers), else a table in
the database (`manage.py createcachetable`; one machine with several workers). Per-process
memory only in the tests (tests/conftest.py).
"""


class CacheUnavailable(Exception):
    """The shared cache did not answer, so a count or a lock in it cannot be trusted."""


def caches_setting(redis_url: str) -> dict:
    if redis_url:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
            },
            "pages": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": "pages",
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
