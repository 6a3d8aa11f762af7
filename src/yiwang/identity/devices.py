"""Trusted browsers: the device cookie that keeps an attack elsewhere from locking the owner out.

After a successful sign-in (or a password reset) the browser gets a signed,
http-only cookie naming a random device id and the accounts that signed in
from it, each with a fingerprint of the account's password hash. An attempt
that presents it for the account being signed in to is counted only against
that browser's own failures, not the account's or the network's (see
``services.throttle``). Changing the password changes the fingerprint, so a
cookie stolen with an old password trusts nothing any more.

The cookie cannot be forged (it is signed with the secret key), and its
fingerprints are keyed hashes too: it gives nothing away about the password.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponseBase
from django.utils.crypto import constant_time_compare

from yiwang.core.clients import client_address

COOKIE_NAME = "yiwang_device"
_SALT = "yiwang.identity.device"
#: How long a browser stays trusted without signing in again.
TRUST_DURATION = dt.timedelta(days=180)
#: Accounts remembered per browser (a shared computer at a service hall).
MAX_ACCOUNTS = 5
_REQUEST_ATTR = "_yiwang_trust_device_for"


def account_fingerprint(user: Any) -> str:
    """A value that changes when the account's password does (keyed with the secret key)."""
    return str(user.get_session_auth_hash())[:24]


@dataclass(frozen=True)
class Device:
    """A browser that has signed in before: its id and the accounts it is trusted for."""

    id: str
    accounts: dict[str, str] = field(default_factory=dict)

    def trusts(self, user: Any) -> bool:
        """Whether this browser signed in to ``user`` since the password last changed."""
        if user is None or user.pk is None:
            return False
        expected = self.accounts.get(str(user.pk))
        return expected is not None and constant_time_compare(expected, account_fingerprint(user))


@dataclass(frozen=True)
class SignInClient:
    """Where a sign-in attempt comes from: the network address and, if any, the device."""

    address: str = ""
    device: Device | None = None


def device_from_request(request: HttpRequest | None) -> Device | None:
    """The request's device cookie, if it is genuine and recent; None otherwise."""
    if request is None:
        return None
    raw = request.COOKIES.get(COOKIE_NAME)
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=_SALT, max_age=TRUST_DURATION)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("d"), str):
        return None
    accounts = data.get("a")
    if not isinstance(accounts, dict):
        return None
    return Device(id=data["d"], accounts={str(k): str(v) for k, v in accounts.items()})


def signin_client(request: HttpRequest | None) -> SignInClient:
    """The client of a sign-in attempt (``SignInClient()`` without a request)."""
    return SignInClient(address=client_address(request), device=device_from_request(request))


def device_trust(request: HttpRequest, user: Any) -> None:
    """Have this response trust the browser for ``user`` (``device_cookie_update`` sets it)."""
    setattr(request, _REQUEST_ATTR, user)


def device_cookie_update(request: HttpRequest, response: HttpResponseBase) -> None:
    """Set the device cookie when ``device_trust`` asked for it during this request.

    Keeps the browser's device id, adds or refreshes the account (most recent
    last), forgets the oldest beyond ``MAX_ACCOUNTS``.
    """
    user = getattr(request, _REQUEST_ATTR, None)
    if user is None or user.pk is None:
        return
    device = device_from_request(request)
    accounts = dict(device.accounts) if device else {}
    accounts.pop(str(user.pk), None)
    accounts[str(user.pk)] = account_fingerprint(user)
    while len(accounts) > MAX_ACCOUNTS:
        accounts.pop(next(iter(accounts)))
    value = signing.dumps(
        {"d": device.id if device else secrets.token_urlsafe(16), "a": accounts},
        salt=_SALT,
        compress=True,
    )
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=int(TRUST_DURATION.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
