"""API tokens: create (the secret shown once), revoke, authenticate, check a scope."""

from __future__ import annotations

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
    """Revoke the token at once (idempotent). Audit ``api_token.revoke``."""
    at = _now(at)
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = at
            locked.save(update_fields=["revoked_at"])
            audit_record(actor=actor, action="api_token.revoke", target=locked)
    return locked


def api_token_authenticate(*, secret: str, at: datetime | None = None) -> ApiToken | None:
    """The usable token whose string is ``secret``, with its owner; None otherwise.

    Unknown, malformed, revoked, expired tokens and tokens of inactive owners
    give None (the API answers 401 without saying which). Comparison is in
    constant time. Side effect: ``last_used_at`` is updated (at most once a
    minute, without an audit entry: it is bookkeeping, not a state change).
    """
    at = _now(at)
    secret = secret.strip()
    parts = secret.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1]:
        return None
    token = ApiToken.objects.select_related("owner").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(secret)):
        return None
    if not token.is_usable(at) or not token.owner.is_active:
        return None
    if token.last_used_at is None or at - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=at)
        token.last_used_at = at
    return token


def api_token_allows(token: ApiToken, scope: str) -> bool:
    """Whether ``token`` carries ``scope``."""
    return scope in (token.scopes or [])
