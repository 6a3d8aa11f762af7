"""Password sign-in, throttled: ``signin_attempt`` and ``signin_throttle_clear``.

Every password form (the portal's, the admin's) reaches ``signin_attempt``
through ``yiwang.identity.backends.ThrottledModelBackend``. Its answer does
not tell an unknown username, a wrong password, an inactive account and a
throttled attempt apart, neither in what it returns (None) nor in the time
it takes: each runs the password hasher exactly once (against a dummy hash
when there is no usable one to check).
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets

from django.contrib.auth.hashers import check_password, get_hasher, make_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.core.clients import client_network
from yiwang.identity.devices import SignInClient
from yiwang.identity.models import Throttle, User
from yiwang.identity.selectors import user_for_login
from yiwang.identity.services.throttle import (
    SIGNIN_ACCOUNT,
    SIGNIN_CLIENT_ACCOUNT,
    SIGNIN_NETWORK,
    Bucket,
    throttle_charge,
    throttle_clear,
    throttle_refund,
)


def signin_account_key(username: str) -> str:
    """The form a typed username is counted under: trimmed and case-folded.

    Counted whether or not such an account exists, so throttling says
    nothing about which usernames exist.
    """
    return username.strip().casefold()[:150]


def signin_buckets(*, username: str, client: SignInClient, trusted: bool) -> list[Bucket]:
    """The throttles an attempt on ``username`` from ``client`` is counted in.

    Always the account from this client: the device when the browser is
    trusted for the account, else its network. The account from anywhere and
    the network against any account only for an untrusted browser (and the
    network only when the address is known).
    """
    account = signin_account_key(username)
    network = client_network(client.address)
    if trusted and client.device is not None:
        return [Bucket(SIGNIN_CLIENT_ACCOUNT, f"{account}|device:{client.device.id}")]
    buckets = [
        Bucket(SIGNIN_CLIENT_ACCOUNT, f"{account}|{network}"),
        Bucket(SIGNIN_ACCOUNT, account),
    ]
    if network:
        buckets.append(Bucket(SIGNIN_NETWORK, network))
    return buckets


@functools.lru_cache(maxsize=4)
def _dummy_hash(algorithm: str) -> str:
    return make_password(secrets.token_urlsafe(24), hasher=algorithm)


def _check_dummy(password: str) -> bool:
    """Run the default hasher once, as checking a real password would; always False."""
    check_password(password, _dummy_hash(get_hasher("default").algorithm))
    return False


def signin_attempt(
    *, username: str, password: str, client: SignInClient, at: dt.datetime | None = None
) -> User | None:
    """The active user whose username and password these are, or None.

    Throttled (``services.throttle``): the attempt is counted before the
    password is checked; when a throttle still asks for a wait the password
    is not checked against the account at all (only against a dummy hash, for
    the timing) and the attempt is refused. A right password is refunded and
    resets this client's count for the account. Side effects: the throttle
    rows (locked briefly, in their own transaction); an audit entry
    ``identity.login_failed`` or ``identity.login_throttled`` for every
    refused attempt (with the typed username and the client's address;
    ``target`` the account when it exists). A successful one is not audited
    here: Django records ``last_login``.
    """
    now = at or timezone.now()
    user = user_for_login(username)
    trusted = client.device is not None and client.device.trusts(user)
    buckets = signin_buckets(username=username, client=client, trusted=trusted)
    details = {"username": username[:150], "ip": client.address, "trusted_device": trusted}

    wait = throttle_charge(buckets, at=now)
    if wait > dt.timedelta(0):
        _check_dummy(password)
        audit_record(
            actor=None,
            action="identity.login_throttled",
            target=user,
            data={**details, "wait_seconds": round(wait.total_seconds())},
        )
        return None

    if user is not None and user.has_usable_password():
        right = user.check_password(password)
    else:
        right = _check_dummy(password)
    if right and user is not None and user.is_active:
        pair = [b for b in buckets if b.rule is SIGNIN_CLIENT_ACCOUNT]
        with transaction.atomic():
            throttle_refund([b for b in buckets if b.rule is not SIGNIN_CLIENT_ACCOUNT], at=now)
            throttle_clear(pair)
        return user
    audit_record(actor=None, action="identity.login_failed", target=user, data=details)
    return None


def signin_throttle_clear(*, user: User, actor: User | None) -> int:
    """Forget every sign-in attempt counted against ``user``'s account (an administrator's help).

    Deletes the account's own throttle and its per-client ones; the networks'
    throttles stay (they count attempts on other accounts too). The actor
    needs ``identity.change_user``. Audited as ``identity.login_throttle_clear``.
    Returns how many throttle rows were deleted.
    """
    if actor is not None and not actor.has_perm("identity.change_user"):
        raise PermissionDenied(_("You may not change accounts."))
    account = signin_account_key(user.get_username())
    with transaction.atomic():
        deleted = Throttle.objects.filter(scope=SIGNIN_ACCOUNT.scope, key=account).delete()[0]
        deleted += Throttle.objects.filter(
            scope=SIGNIN_CLIENT_ACCOUNT.scope, key__startswith=f"{account}|"
        ).delete()[0]
        audit_record(
            actor=actor,
            action="identity.login_throttle_clear",
            target=user,
            data={"rows": deleted},
        )
    return deleted
