"""Which client a request comes from, as the sign-in limits count them."""

from __future__ import annotations

import ipaddress

from flask import request

# One IPv6 subscriber gets a whole /64 (RFC 6177 and what ISPs hand out): counting each of its
# 2**64 addresses apart would let one client try without end. An IPv4 address is one client.
IPV6_CLIENT_PREFIX = 64


def client_network(address: str | None) -> str:
    """The address, or its /64 for IPv6 (an IPv4-mapped IPv6 address counts as its IPv4 address);
    anything unparseable is kept as written, so it is still counted, just alone."""
    if not address:
        return "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:100]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, IPV6_CLIENT_PREFIX), strict=False))
    return str(parsed)


def request_client() -> str:
    """The client of this request, after ProxyFix has read X-Forwarded-For as configured."""
    return client_network(request.remote_addr)
