"""Webhook endpoints: register (the signing secret shown once), deactivate, and the rule
on the addresses yiwang sends to (public hosts only)."""

from __future__ import annotations

import ipaddress
import secrets
import socket
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.identity.models import Role, User
from yiwang.identity.selectors import user_has_role
from yiwang.integrations.models import EventType, WebhookDelivery, WebhookEndpoint
from yiwang.integrations.services._common import _now


@dataclass(frozen=True)
class RegisteredEndpoint:
    """A new endpoint and its signing secret (shown once; kept to sign deliveries)."""

    endpoint: WebhookEndpoint
    secret: str


def _may_own_webhooks(user: User) -> bool:
    """Integrators own webhooks (not staff as such: a catalog administrator is staff too)."""
    return bool(user.is_active and user_has_role(user, Role.INTEGRATOR))


def webhook_allows_private_addresses() -> bool:
    """``settings.YIWANG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES`` (default False), read at call time."""
    return bool(getattr(settings, "YIWANG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False))


@dataclass(frozen=True)
class VettedAddress:
    """The outcome of resolving a webhook URL's host once: the addresses to connect to,
    or why yiwang will not send there (``problem``, then ``addresses`` is empty)."""

    addresses: tuple[str, ...] = ()
    problem: str | None = None


def webhook_address_vet(url: str) -> VettedAddress:
    """Resolve ``url``'s host once and check every address it gives.

    The host's addresses (as DNS gives them now) must all be public: a
    loopback, link-local, private, shared, reserved, multicast or unspecified
    address would let an integrator probe the city's internal network through
    yiwang (a blind port scan). Allowed only with
    ``YIWANG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES`` (development).

    The caller connects to the returned ``addresses`` and to nothing else:
    resolving the name a second time would let a DNS server that answers
    with a short TTL give a public address to this check and an internal one
    to the connection (DNS rebinding).
    """
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    try:
        infos = socket.getaddrinfo(host, parts.port or None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, ValueError):
        return VettedAddress(problem=_("The host %(host)s cannot be resolved.") % {"host": host})
    addresses = tuple(dict.fromkeys(str(info[4][0]).split("%", 1)[0] for info in infos))
    if not webhook_allows_private_addresses():
        for text in addresses:
            address = ipaddress.ip_address(text)
            if not webhook_address_is_public(address):
                problem = _(
                    "%(host)s is an internal address (%(address)s): webhooks go to public hosts."
                ) % {"host": host, "address": address}
                return VettedAddress(problem=problem)
    return VettedAddress(addresses=addresses)


#: NAT64's well-known prefix (RFC 6052): the last 32 bits are the IPv4 address reached.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
#: The local-use NAT64 prefix (RFC 8215): translated by the operator's own gateway.
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
#: IPv4-compatible addresses (RFC 4291, deprecated): ``::a.b.c.d``.
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
#: IPv4-translated addresses (SIIT, RFC 2765): ``::ffff:0:a.b.c.d``.
_IPV4_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")
#: Never a public destination, whatever Python's ``is_global`` says of them: the deprecated
#: site-local range (RFC 3879) and the documentation range (RFC 9637).
_NOT_PUBLIC_V6 = (ipaddress.IPv6Network("fec0::/10"), ipaddress.IPv6Network("3fff::/20"))


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to: IPv4-mapped, IPv4-compatible,
    IPv4-translated (SIIT), NAT64 and 6to4 forms. (Teredo, 2001::/32, is not global, so
    it is refused before its addresses matter.)"""
    embedded: list[ipaddress.IPv4Address] = []
    if address.ipv4_mapped is not None:
        embedded.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        embedded.append(address.sixtofour)
    if address in _NAT64 or address in _IPV4_COMPATIBLE or address in _IPV4_TRANSLATED:
        embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return embedded


def webhook_address_is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether yiwang may send to ``address``: a global unicast address and, for an IPv6
    form that carries an IPv4 address (``::ffff:127.0.0.1``, SIIT ``::ffff:0:7f00:1``,
    NAT64 ``64:ff9b::7f00:1``, 6to4 ``2002:7f00:1::``, ``::127.0.0.1``), a global unicast
    IPv4 address in it; never the site-local or documentation IPv6 ranges.

    Python 3.11's ``is_global`` counts NAT64, SIIT, 6to4 and IPv4-compatible addresses as
    global whatever they carry, and a gateway would deliver them to the IPv4 address inside;
    it also counts ``fec0::/10`` and ``3fff::/20`` as global.
    """
    if not address.is_global or address.is_multicast:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        if address in _NAT64_LOCAL or any(address in net for net in _NOT_PUBLIC_V6):
            return False
        return all(inner.is_global and not inner.is_multicast for inner in _embedded_ipv4(address))
    return True


def webhook_address_problem(url: str) -> str | None:
    """Why yiwang will not send to ``url``'s host, or None (see :func:`webhook_address_vet`).

    With private addresses allowed (development) any host is accepted, even one
    that does not resolve yet.
    """
    if webhook_allows_private_addresses():
        return None
    return webhook_address_vet(url).problem


def _check_event_types(event_types: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(event_types))
    unknown = [t for t in wanted if t not in EventType.values]
    if unknown:
        raise ValidationError(
            {"event_types": [_("Unknown event type: %(t)s.") % {"t": ", ".join(unknown)}]}
        )
    if not wanted:
        raise ValidationError({"event_types": [_("Choose at least one event type.")]})
    return wanted


def webhook_endpoint_register(
    *,
    owner: User,
    url: str,
    event_types: Iterable[str],
    description: str = "",
    actor: User | None = None,
    at: datetime | None = None,
) -> RegisteredEndpoint:
    """Register ``url`` to receive the events ``event_types``; return it with its secret.

    Preconditions: ``owner`` is an integrator (role). ``url`` is http(s) to a
    public host (:func:`webhook_address_problem`). Errors: PermissionDenied;
    ValidationError (fields ``url``, ``event_types``). Audit
    ``webhook_endpoint.register``.
    """
    at = _now(at)
    if not _may_own_webhooks(owner):
        raise PermissionDenied(_("Only integrators may register webhooks."))
    errors: dict[str, list[str]] = {}
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        errors["url"] = [_("Enter an http or https URL.")]
    else:
        problem = webhook_address_problem(url)
        if problem is not None:
            errors["url"] = [problem]
    try:
        wanted = _check_event_types(event_types)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        wanted = []
    if errors:
        raise ValidationError(errors)
    secret = f"whsec_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            owner=owner,
            url=url,
            description=description.strip()[:200],
            secret=secret,
            event_types=wanted,
            created_at=at,
        )
        audit_record(
            actor=actor or owner,
            action="webhook_endpoint.register",
            target=endpoint,
            data={"url": url, "event_types": wanted, "owner": owner.pk},
        )
    return RegisteredEndpoint(endpoint=endpoint, secret=secret)


def webhook_endpoint_deactivate(*, endpoint: WebhookEndpoint, actor: User | None) -> None:
    """Stop sending to the endpoint: its pending deliveries are cancelled (never attempted,
    never requeued). Audited with the number cancelled."""
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if locked.active:
            locked.active = False
            locked.save(update_fields=["active"])
            cancelled = WebhookDelivery.objects.filter(
                endpoint=locked, status=WebhookDelivery.Status.PENDING
            ).update(status=WebhookDelivery.Status.CANCELLED, next_attempt_at=None)
            audit_record(
                actor=actor,
                action="webhook_endpoint.deactivate",
                target=locked,
                data={"deliveries_cancelled": cancelled},
            )


def webhook_endpoints_of_owner_deactivate(*, owner: User, actor: User | None) -> int:
    """Deactivate every active endpoint of ``owner`` (:func:`webhook_endpoint_deactivate`:
    pending deliveries cancelled, each audited); the count. Called when the owner stops
    being an active integrator (role revoked, account deactivated)."""
    endpoints = list(WebhookEndpoint.objects.filter(owner_id=owner.pk, active=True))
    for endpoint in endpoints:
        webhook_endpoint_deactivate(endpoint=endpoint, actor=actor)
    return len(endpoints)


def webhook_owner_entitled(owner: User) -> bool:
    """Whether ``owner`` may still have webhooks sent for them: an active integrator."""
    return _may_own_webhooks(owner)
