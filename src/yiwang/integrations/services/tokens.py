"""API tokens: create (the secret shown once), revoke, authenticate, check a scope."""

from __future__ import annotations

import copy
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.core.recheck import Rechecked
from yiwang.identity.models import User
from yiwang.integrations.models import ApiToken, Scope
from yiwang.integrations.services._common import _now

TOKEN_PREFIX = "yw"  # noqa: S105 (a label, not a secret)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class CreatedToken:
    """A new token and its secret string; the secret is never stored and never shown again."""

    token: ApiToken
    secret: str


def _check_scopes(scopes: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(scopes))
    unknown = [s for s in wanted if s not in Scope.values]
    if unknown:
        raise ValidationError({"scopes": [_("Unknown scope: %(s)s.") % {"s": ", ".join(unknown)}]})
    if not wanted:
        raise ValidationError({"scopes": [_("Choose at least one scope.")]})
    return wanted


def api_token_create(
    *,
    owner: User,
    name: str,
    scopes: Iterable[str],
    expires_at: datetime | None = None,
    actor: User | None = None,
    at: datetime | None = None,
) -> CreatedToken:
    """Create an API token acting as ``owner`` with ``scopes``; return it with its secret.

    The token string is ``yw_<prefix>_<secret>`` (about 190 bits of
    randomness); only its SHA-256 is stored. Errors: ValidationError (fields
    ``name``, ``scopes``, ``expires_at``, ``owner``). Audit ``api_token.create``.
    """
    at = _now(at)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("This field is required.")]
    try:
        wanted = _check_scopes(scopes)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        wanted = []
    if expires_at is not None and expires_at <= at:
        errors["expires_at"] = [_("Choose a moment in the future.")]
    if not owner.is_active:
        errors["owner"] = [_("The owner's account is not active.")]
    if errors:
        raise ValidationError(errors)
    prefix = secrets.token_hex(6)
    secret = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(24)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            name=name.strip(),
            owner=owner,
            scopes=wanted,
            prefix=prefix,
            secret_hash=_hash(secret),
            created_at=at,
            expires_at=expires_at,
        )
        audit_record(
            actor=actor or owner,
            action="api_token.create",
            target=token,
            data={"owner": owner.pk, "scopes": wanted, "expires_at": expires_at},
        )
    return CreatedToken(token=token, secret=secret)


def api_token_revoke(
    *, token: ApiToken, actor: User | None, at: datetime | None = None
) -> ApiToken:
    """Revoke the token: at once in this process, in the others within
    ``YIWANG_LOOKUP_RECHECK_SECONDS`` (idempotent). Audit ``api_token.revoke``."""
    at = _now(at)
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = at
            locked.save(update_fields=["revoked_at"])
            audit_record(actor=actor, action="api_token.revoke", target=locked)
            transaction.on_commit(TOKENS.clear)
    return locked


def _token_of(prefix: str) -> ApiToken | None:
    return ApiToken.objects.select_related("owner").filter(prefix=prefix).first()


#: Tokens by prefix, with their owners, trusted for ``YIWANG_LOOKUP_RECHECK_SECONDS`` (every
#: API request with a bearer token asks; the lookup cost about 1.2 ms of CPU of each).
#: Revoking a token clears it.
TOKENS: Rechecked[str, ApiToken] = Rechecked("YIWANG_LOOKUP_RECHECK_SECONDS", _token_of)


def api_token_authenticate(*, secret: str, at: datetime | None = None) -> ApiToken | None:
    """The usable token whose string is ``secret``, with its owner; None otherwise.

    Unknown, malformed, revoked, expired tokens and tokens of inactive owners
    give None (the API answers 401 without saying which). Comparison is in
    constant time. The token and its owner are as this process read them at most
    ``YIWANG_LOOKUP_RECHECK_SECONDS`` ago (2 s in production, 0 in tests): a token
    revoked in another process, or an owner disabled anywhere, is refused here at most
    that long after; a token revoked in this process at once. Each call gets its own
    copies of both, so what a request sets on its user stays in that request. Side
    effect: ``last_used_at`` is updated (at most once a minute, without an audit entry:
    it is bookkeeping, not a state change).
    """
    at = _now(at)
    secret = secret.strip()
    parts = secret.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1]:
        return None
    cached = TOKENS.get(parts[1])
    if cached is None or not hmac.compare_digest(cached.secret_hash, _hash(secret)):
        return None
    if not cached.is_usable(at) or not cached.owner.is_active:
        return None
    if cached.last_used_at is None or at - cached.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=cached.pk).update(last_used_at=at)
        cached.last_used_at = at
    token = copy.copy(cached)
    token.owner = copy.copy(cached.owner)
    return token


def api_token_allows(token: ApiToken, scope: str) -> bool:
    """Whether ``token`` carries ``scope``."""
    return scope in (token.scopes or [])
