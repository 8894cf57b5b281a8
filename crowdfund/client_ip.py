"""The address of the client that made a request, for throttles, rate limits and the audit trail.

Anyone can send an X-Forwarded-For header. It is read only when the direct peer is one of
our own reverse proxies (the TRUSTED_PROXIES setting), and then from the right: each proxy
appends the address it saw, so the rightmost address that is not one of ours is the last
one written by someone we trust. Everything to its left may be made up by the client.
"""

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@cache
def _networks(trusted: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return tuple(ipaddress.ip_network(item) for item in trusted)


def _parse(raw: str) -> IPAddress | None:
    """An address as a proxy may write it: bare, `1.2.3.4:port` or `[v6]:port`."""
    value = raw.strip()
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; compare them as IPv4.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: IPAddress, networks) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address as text, or "" when the server was not told one."""
    peer = _parse(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return ""
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not _is_trusted(peer, networks):
        return str(peer)
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    nearest = peer
    for raw in reversed(hops):
        address = _parse(raw)
        if address is None:
            # A hop we cannot read: stop at the last address a trusted proxy vouched for.
            return str(nearest)
        if not _is_trusted(address, networks):
            return str(address)
        nearest = address
    # Every hop is one of our proxies: the request started inside our own network.
    return str(nearest)
