"""Who is asking: the client's network address, the one rule every throttle and audit uses.

Behind a reverse proxy, ``REMOTE_ADDR`` is the proxy's address. The client's
address then comes from the one header named in ``YIWANG_CLIENT_IP_HEADER``,
which the proxy must *set* (not pass through). Nothing else a client sends
(``X-Forwarded-For`` of its own, ``X-Real-IP``…) is trusted, so a client
cannot pick the address its attempts are counted under.
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def _header_meta_key(header: str) -> str:
    return "HTTP_" + header.strip().upper().replace("-", "_")


def client_address(request: HttpRequest | None) -> str:
    """The client's IP address as text (``""`` when unknown, e.g. no request).

    Without ``YIWANG_CLIENT_IP_HEADER`` it is ``REMOTE_ADDR``. With it, the
    header's last comma-separated entry (the one the nearest proxy, ours,
    appended to an ``X-Forwarded-For`` chain; a single value otherwise). A
    missing or malformed header falls back to ``REMOTE_ADDR`` with a warning:
    the proxy is misconfigured, and every client then shares its address.
    Reads the setting at call time.
    """
    if request is None:
        return ""
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    header = getattr(settings, "YIWANG_CLIENT_IP_HEADER", "")
    if not header:
        return remote
    raw = str(request.META.get(_header_meta_key(header), ""))
    candidate = _valid(raw.rsplit(",", 1)[-1]) if raw else ""
    if not candidate:
        logger.warning("client address header %s missing or malformed: %r", header, raw[:100])
        return remote
    return candidate


def client_network(address: str) -> str:
    """The unit a throttle counts an address under: the address for IPv4, its /64 for IPv6.

    One IPv6 subscriber usually holds a whole /64, so counting single IPv6
    addresses would give them 2**64 fresh starts.
    """
    if not address:
        return ""
    parsed = ipaddress.ip_address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _valid(value: str) -> str:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return ""
