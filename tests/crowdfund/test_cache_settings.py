import pytest

from tests.crowdfund.test_settings import _manage

PRINT_CACHE = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"


@pytest.mark.parametrize(
    ("redis_url", "backend"),
    [
        ("", "django.core.cache.backends.db.DatabaseCache"),
        ("redis://127.0.0.1:6379/1", "crowdfund.cache_backend.SharedRedisCache"),
    ],
)
def test_it_shares_the_cache_through_redis_or_else_the_database(redis_url, backend):
    result = _manage("shell", "-c", PRINT_CACHE, DEBUG="1", REDIS_URL=redis_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == backend


def test_it_refuses_to_start_with_a_bad_trusted_proxy():
    result = _manage("check", DEBUG="1", TRUSTED_PROXIES="10.0.0.1,not-an-address")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr
