import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from crowdfund.client_ip import client_ip, parse_trusted_proxies

PROXY = "10.0.0.5"


def _request(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = parse_trusted_proxies("10.0.0.0/24, 2001:db8::1")


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # The direct peer is not a trusted proxy: its header is a stranger's claim.
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),
        # Behind the proxy: the address the proxy appended.
        (PROXY, "198.51.100.1", "198.51.100.1"),
        # A client forging the header: the proxy appends the real one on the right.
        (PROXY, "1.2.3.4, 198.51.100.1", "198.51.100.1"),
        # Two trusted hops: the rightmost untrusted address.
        (PROXY, "198.51.100.1, 10.0.0.7", "198.51.100.1"),
        ("2001:db8::1", "2001:db8:ffff::2", "2001:db8:ffff::2"),
        # No header, or only proxies in it: the nearest proxy.
        (PROXY, None, PROXY),
        (PROXY, "10.0.0.9", "10.0.0.9"),
    ],
)
def test_it_believes_forwarded_for_only_from_trusted_proxies(
    behind_proxy, remote, forwarded, expected
):
    assert client_ip(_request(remote, forwarded)) == expected


def test_it_ignores_forwarded_for_when_no_proxy_is_trusted(settings):
    settings.TRUSTED_PROXIES = parse_trusted_proxies("")
    assert client_ip(_request(PROXY, "198.51.100.1")) == PROXY


@pytest.mark.parametrize("bad", ["10.0.0.300", "proxy.example.org", "10.0.0.0/33", "10.0.0.1;"])
def test_it_fails_loudly_on_a_bad_trusted_proxy(bad):
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        parse_trusted_proxies(f"10.0.0.1, {bad}")
