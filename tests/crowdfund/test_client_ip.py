import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from crowdfund.client_ip import client_ip
from crowdfund.env import env_networks

PROXIES = ["10.0.0.0/8", "2001:db8:ffff::/48", "192.0.2.10"]


def _request(remote_addr, forwarded=None):
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("remote_addr", "forwarded", "expected"),
    [
        # Straight from the internet: the header is the client's own claim, ignored.
        ("203.0.113.7", None, "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # Through our proxy: the address it saw.
        ("10.0.0.2", "198.51.100.1", "198.51.100.1"),
        ("192.0.2.10", "198.51.100.1", "198.51.100.1"),
        # A client that sends its own header: our proxy appends the real address, rightmost.
        ("10.0.0.2", "1.1.1.1, 198.51.100.1", "198.51.100.1"),
        ("10.0.0.2", "10.9.9.9, 1.1.1.1, 198.51.100.1", "198.51.100.1"),
        # Two of our proxies in a row: skip both, take the first address that is not ours.
        ("10.0.0.2", "1.1.1.1, 198.51.100.1, 10.0.0.3", "198.51.100.1"),
        # A spoofed trusted-looking address left of the real one changes nothing.
        ("10.0.0.2", "198.51.100.1, 10.0.0.9, 203.0.113.5", "203.0.113.5"),
        # IPv6, with and without a port, and a dual-stack IPv4 peer.
        ("2001:db8:ffff::1", "2001:db8:1::5", "2001:db8:1::5"),
        ("2001:db8:ffff::1", "[2001:db8:1::5]:4711", "2001:db8:1::5"),
        ("10.0.0.2", "198.51.100.1:4711", "198.51.100.1"),
        ("::ffff:10.0.0.2", "198.51.100.1", "198.51.100.1"),
        ("2001:db8:aaaa::1", "198.51.100.1", "2001:db8:aaaa::1"),
        # Empty or unreadable: fall back to the last address a trusted party vouched for.
        ("10.0.0.2", "", "10.0.0.2"),
        ("10.0.0.2", None, "10.0.0.2"),
        ("10.0.0.2", "198.51.100.1, not-an-address", "10.0.0.2"),
        # Only our own proxies: the request came from inside.
        ("10.0.0.2", "10.0.0.3", "10.0.0.3"),
        ("", "198.51.100.1", ""),
        ("garbage", "198.51.100.1", ""),
    ],
)
def test_it_finds_the_client_behind_trusted_proxies_only(
    settings, remote_addr, forwarded, expected
):
    settings.TRUSTED_PROXIES = PROXIES
    assert client_ip(_request(remote_addr, forwarded)) == expected


def test_it_trusts_no_header_when_no_proxy_is_configured(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("10.0.0.2", "198.51.100.1")) == "10.0.0.2"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", []),
        ("10.0.0.0/8", ["10.0.0.0/8"]),
        (" 192.0.2.10 , 2001:db8::/32 ", ["192.0.2.10/32", "2001:db8::/32"]),
    ],
)
def test_it_reads_trusted_proxies(monkeypatch, raw, expected):
    monkeypatch.setenv("TRUSTED_PROXIES", raw)
    assert env_networks("TRUSTED_PROXIES") == expected


@pytest.mark.parametrize("raw", ["10.0.0.0/33", "proxy.internal", "10.0.0.1/8", "10.0.0"])
def test_it_refuses_a_trusted_proxy_it_cannot_read(monkeypatch, raw):
    monkeypatch.setenv("TRUSTED_PROXIES", raw)
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        env_networks("TRUSTED_PROXIES")
