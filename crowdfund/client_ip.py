"""The visitor's real address, for rate limits.

Behind a reverse proxy every request comes from the proxy, so one visitor could block all
others. `X-Forwarded-For` is believed only when the direct peer is a proxy we trust
(settings.TRUSTED_PROXIES); the client is then the rightmost address that is not a trusted
proxy, because everything left of it was written by the client and may be forged.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_trusted_proxies(raw: str) -> tuple[Network, ...]:
    """Comma-separated addresses or CIDRs; a bad value is an error, never ignored."""
    networks = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {item!r} is not an IP address or CIDR (e.g. 10.0.0.0/8)."
            ) from None
    return tuple(networks)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address, networks: Iterable[Network]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or from X-Forwarded-For behind a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = settings.TRUSTED_PROXIES
    if not _trusted(_address(remote), networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Junk in the chain: nothing left of it can be believed either.
            return hop
        if not _trusted(address, networks):
            return str(address)
    # Only proxies in the chain (a health check from inside): the nearest one.
    return str(_address(hops[0])) if hops else remote
