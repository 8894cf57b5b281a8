"""Counting in the shared cache for the rate limits (crowdfund/rate_limits.py)."""

import time

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from crowdfund.caching import caches_setting
from crowdfund.rate_limits import hit, slot_take


def test_a_count_stops_at_its_limit_and_starts_again_with_the_next_window():
    assert [hit("t", "a", limit=2, window=1) for _ in range(3)] == [True, True, False]
    assert hit("t", "b", limit=2, window=1)  # another value counts apart
    time.sleep(1.05)
    assert [hit("t", "a", limit=2, window=1) for _ in range(3)] == [True, True, False]


def test_slots_grant_at_most_so_many_in_any_window():
    assert [slot_take("s", "a", slots=2, window=1) for _ in range(3)] == [True, True, False]
    time.sleep(1.05)
    assert slot_take("s", "a", slots=2, window=1)


def test_the_cache_holds_no_value_in_the_clear():
    hit("t", "camila@example.org", limit=5, window=60)
    slot_take("s", "camila@example.org", slots=5, window=60)
    assert not any("camila" in key for key in cache._cache)


@pytest.fixture
def database_cache(postgres, settings):
    settings.CACHES = caches_setting("")
    call_command("createcachetable", verbosity=0)


def test_in_the_database_cache_a_count_lives_as_long_as_its_window(database_cache):
    """Django's database cache writes the row again on incr() with its default lifetime; had
    that been shorter than the window, a pause between requests would reset the count."""
    for _ in range(3):
        hit("t", "a", limit=5, window=3600)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT expires FROM crowdfund_cache"
            " WHERE cache_key LIKE '%%rate:t:%%' AND cache_key NOT LIKE '%%:start'"
        )
        [(expires,)] = cursor.fetchall()
    assert expires.timestamp() >= timezone.now().timestamp() + 3500
