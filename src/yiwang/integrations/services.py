"""Every write of the integrations app: API tokens, webhook endpoints, events and deliveries.

API tokens
    api_token_create (returns the secret once), api_token_revoke,
    api_token_authenticate (marks the token used)
Webhooks
    webhook_endpoint_register (returns the signing secret once),
    webhook_endpoint_deactivate, webhook_event_publish, case_event_publish,
    webhook_deliver (one attempt; run by the task), webhook_delivery_retry,
    webhook_deliveries_requeue (after a worker crash)

Webhook contract (docs/api.md): yiwang POSTs the JSON event with the headers
``X-Yiwang-Event`` (type), ``X-Yiwang-Delivery`` (event id),
``X-Yiwang-Timestamp`` (Unix seconds) and ``X-Yiwang-Signature:
t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed by the
endpoint's secret>``. A 2xx answer is success; anything else (or no answer
within ``YIWANG_WEBHOOK_TIMEOUT_SECONDS``) is retried with exponential
backoff (``YIWANG_WEBHOOK_BACKOFF_SECONDS`` × 2^(attempt-1): 1 min, 2 min,
4 min …) up to ``YIWANG_WEBHOOK_MAX_ATTEMPTS`` attempts; every attempt is
recorded in the delivery's history.

Side effects are enqueued (``yiwang.integrations.tasks``) in the transaction
of the change, so a rolled-back change sends nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.core.serialize import json_safe
from yiwang.core.tasks import RetryPolicy, enqueue_with_transaction
from yiwang.identity.models import Role, User
from yiwang.identity.selectors import user_has_role
from yiwang.integrations.models import (
    ApiToken,
    EventType,
    Scope,
    WebhookDelivery,
    WebhookEndpoint,
)

if TYPE_CHECKING:
    from yiwang.cases.models import Case, CaseTimelineEntry

TOKEN_PREFIX = "yw"  # noqa: S105 (a label, not a secret)
RESPONSE_EXCERPT = 500
USER_AGENT = "yiwang-webhooks/1"

#: Case timeline entry kind → webhook event type. Internal entries (assignment)
#: and kinds not listed here are not published.
CASE_EVENTS: dict[str, str] = {
    "submitted": EventType.CASE_SUBMITTED,
    "accepted": EventType.CASE_ACCEPTED,
    "deemed_accepted": EventType.CASE_ACCEPTED,
    "rejected": EventType.CASE_REJECTED,
    "supplement_requested": EventType.CASE_SUPPLEMENT_REQUESTED,
    "supplement_answered": EventType.CASE_SUPPLEMENT_ANSWERED,
    "special_procedure_started": EventType.CASE_SPECIAL_PROCEDURE_STARTED,
    "special_procedure_finished": EventType.CASE_SPECIAL_PROCEDURE_FINISHED,
    "extended": EventType.CASE_EXTENDED,
    "deadline_recounted": EventType.CASE_DEADLINE_CHANGED,
    "approved": EventType.CASE_DECIDED,
    "denied": EventType.CASE_DECIDED,
    "certificate_issued": EventType.CASE_CERTIFICATE_ISSUED,
    "completed": EventType.CASE_COMPLETED,
    "withdrawn": EventType.CASE_WITHDRAWN,
    "rated": EventType.CASE_RATED,
}


def webhook_timeout_seconds() -> float:
    """``settings.YIWANG_WEBHOOK_TIMEOUT_SECONDS`` (default 10), read at call time."""
    return float(getattr(settings, "YIWANG_WEBHOOK_TIMEOUT_SECONDS", 10))


def webhook_max_attempts() -> int:
    """``settings.YIWANG_WEBHOOK_MAX_ATTEMPTS`` (default 8: the last one ~2 h after the first)."""
    return int(getattr(settings, "YIWANG_WEBHOOK_MAX_ATTEMPTS", 8))


def webhook_backoff_seconds() -> int:
    """``settings.YIWANG_WEBHOOK_BACKOFF_SECONDS`` (default 60): the wait after attempt 1."""
    return int(getattr(settings, "YIWANG_WEBHOOK_BACKOFF_SECONDS", 60))


def webhook_retry_policy() -> RetryPolicy:
    """Attempts per delivery and the waits between them (the settings above)."""
    return RetryPolicy(
        attempts=webhook_max_attempts(), first=timedelta(seconds=webhook_backoff_seconds())
    )


def webhook_backoff(attempt: int) -> timedelta:
    """The wait after failed attempt number ``attempt`` (1-based): base × 2^(attempt-1)."""
    return webhook_retry_policy().delay_after(attempt)


def webhook_claim_lease() -> timedelta:
    """How long a claimed delivery is left to its worker: two request timeouts and 30 s."""
    return timedelta(seconds=webhook_timeout_seconds() * 2 + 30)


def _now(at: datetime | None) -> datetime:
    return at if at is not None else timezone.now()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- API tokens ---------------------------------------------------------------


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


# --- webhook endpoints ----------------------------------------------------------


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


def webhook_address_problem(url: str) -> str | None:
    """Why yiwang will not send to ``url``'s host, or None.

    The host's addresses (as DNS gives them now) must all be public: a
    loopback, link-local, private, shared, reserved, multicast or unspecified
    address would let an integrator probe the city's internal network through
    yiwang (a blind port scan). Allowed only with
    ``YIWANG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES`` (development).
    """
    if webhook_allows_private_addresses():
        return None
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    try:
        infos = socket.getaddrinfo(host, parts.port or None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, ValueError):
        return _("The host %(host)s cannot be resolved.") % {"host": host}
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            return _(
                "%(host)s is an internal address (%(address)s): webhooks go to public hosts."
            ) % {
                "host": host,
                "address": address,
            }
    return None


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


# --- events and deliveries ------------------------------------------------------


def _enqueue(delivery: WebhookDelivery, run_after: datetime | None = None) -> None:
    from yiwang.integrations.tasks import webhook_deliver_task

    enqueue_with_transaction(webhook_deliver_task, delivery.pk, run_after=run_after)


def webhook_event_publish(
    *, type: str, payload: Mapping[str, Any], at: datetime | None = None
) -> list[WebhookDelivery]:
    """Publish an event: one delivery per active endpoint subscribed to ``type``.

    The event is ``{"id", "type", "created_at", "data": payload}`` (the same
    id for every endpoint). Call it inside the transaction of the change:
    deliveries and their tasks are written in that transaction, so they exist
    exactly when the change does. Returns the deliveries (none when nobody
    subscribed).
    """
    at = _now(at)
    endpoints = [e for e in WebhookEndpoint.objects.filter(active=True) if e.wants(type)]
    if not endpoints:
        return []
    event_id = uuid.uuid4()
    event = json_safe(
        {"id": str(event_id), "type": type, "created_at": at.isoformat(), "data": payload}
    )
    out: list[WebhookDelivery] = []
    with transaction.atomic():
        for endpoint in endpoints:
            delivery = WebhookDelivery.objects.create(
                endpoint=endpoint,
                event_id=event_id,
                event_type=type,
                payload=event,
                next_attempt_at=at,
                created_at=at,
            )
            _enqueue(delivery)
            out.append(delivery)
    return out


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def case_event_payload(case: Case) -> dict[str, Any]:
    """What a case event says about the case: no personal data (numbers, codes, dates)."""
    version = case.service_version
    return {
        "number": case.number,
        "service_code": version.item.code,
        "service_version": version.number,
        "department_code": case.department.code,
        "step": case.step,
        "version": case.version,
        "received_at": _iso(case.received_at),
        "due_at": _iso(case.due_at),
        "due_provisional": case.due_provisional,
        "closed_at": _iso(case.closed_at),
        "certificate_number": case.certificate_number or None,
        "url": f"/api/v1/cases/{case.number}",
    }


def case_event_publish(*, entry: CaseTimelineEntry) -> list[WebhookDelivery]:
    """Publish the webhook event of a case timeline entry (see :data:`CASE_EVENTS`).

    Called for every new entry, inside the case service's transaction (the
    receiver in ``receivers.py``). Internal entries and unmapped kinds
    publish nothing. ``data`` is ``{"case": …, "kind": …, "detail": entry.data}``
    (e.g. the outcome of a decision, the items of a supplement request, the
    level of a rating; never free text written by the applicant).
    """
    event_type = CASE_EVENTS.get(entry.kind)
    if event_type is None or not entry.public:
        return []
    return webhook_event_publish(
        type=event_type,
        payload={
            "case": case_event_payload(entry.case),
            "kind": entry.kind,
            "detail": dict(entry.data or {}),
        },
        at=entry.at,
    )


def webhook_body(delivery: WebhookDelivery) -> bytes:
    """The exact bytes POSTed: compact JSON, keys sorted, UTF-8."""
    return json.dumps(
        delivery.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode()


def webhook_signature(secret: str, timestamp: int, body: bytes) -> str:
    """``t=<timestamp>,v1=<hex HMAC-SHA256 of b"<timestamp>." + body>``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect would turn the POST into a GET without the body: treat it as a failure.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass(frozen=True)
class _Answer:
    status_code: int | None
    body: str
    error: str
    duration_ms: int


def _post(url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> _Answer:
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")  # noqa: S310
    opener = urllib.request.build_opener(_NoRedirect)
    started = time.monotonic()
    status: int | None = None
    text, error = "", ""
    try:
        with opener.open(request, timeout=timeout) as response:
            status = int(response.status)
            text = response.read(RESPONSE_EXCERPT).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        status = int(exc.code)
        try:
            text = exc.read(RESPONSE_EXCERPT).decode("utf-8", "replace")
        except OSError:
            text = ""
        error = f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        error = f"{type(exc).__name__}: {reason}"[:RESPONSE_EXCERPT]
    duration = int((time.monotonic() - started) * 1000)
    return _Answer(status, text[:RESPONSE_EXCERPT], error, duration)


def webhook_deliver(*, delivery_id: int, at: datetime | None = None) -> WebhookDelivery | None:
    """Make one attempt to deliver; on failure schedule the next one with backoff.

    Safe to run twice: the delivery is claimed under a row lock (its
    ``next_attempt_at`` is pushed past the request's timeout, a lease), and a
    delivery that is not pending, not due at ``at``, or whose endpoint is
    inactive is left alone. The HTTP request is made outside any transaction.
    Records the attempt (status code, response excerpt, error, duration) in
    ``history`` and the ``last_*`` fields. A 2xx answer → ``succeeded``;
    otherwise, while attempts < ``webhook_max_attempts()``, the task is
    re-enqueued with ``run_after = at + webhook_backoff(attempt)`` (in the
    transaction that records the attempt); then ``failed``.
    Returns the delivery, or None when there was nothing to do.
    """
    at = _now(at)
    timeout = webhook_timeout_seconds()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
            return None
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > at:
            return None
        if not delivery.endpoint.active:
            delivery.status = WebhookDelivery.Status.CANCELLED
            delivery.next_attempt_at = None
            delivery.save(update_fields=["status", "next_attempt_at"])
            return None
        attempt = delivery.attempts + 1
        delivery.attempts = attempt
        delivery.next_attempt_at = at + webhook_claim_lease()
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    endpoint = delivery.endpoint
    body = webhook_body(delivery)
    timestamp = int(at.timestamp())
    # Checked again at each attempt: DNS may now point the host at an internal address.
    problem = webhook_address_problem(endpoint.url)
    answer = (
        _Answer(None, "", problem, 0)
        if problem
        else _post(
            endpoint.url,
            body,
            {
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": USER_AGENT,
                "X-Yiwang-Event": delivery.event_type,
                "X-Yiwang-Delivery": str(delivery.event_id),
                "X-Yiwang-Timestamp": str(timestamp),
                "X-Yiwang-Signature": webhook_signature(endpoint.secret, timestamp, body),
            },
            timeout,
        )
    )
    ok = answer.status_code is not None and 200 <= answer.status_code < 300
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        delivery.last_attempt_at = at
        delivery.last_response_code = answer.status_code
        delivery.last_response_body = answer.body
        delivery.last_error = "" if ok else answer.error or f"HTTP {answer.status_code}"
        record: dict[str, Any] = {
            "attempt": attempt,
            "at": at.isoformat(),
            "status_code": answer.status_code,
            "error": delivery.last_error,
            "duration_ms": answer.duration_ms,
        }
        if ok:
            delivery.status = WebhookDelivery.Status.SUCCEEDED
            delivery.delivered_at = at
            delivery.next_attempt_at = None
        elif not webhook_retry_policy().gives_up_after(attempt):
            delivery.next_attempt_at = at + webhook_backoff(attempt)
            record["next_attempt_at"] = delivery.next_attempt_at.isoformat()
            _enqueue(delivery, run_after=delivery.next_attempt_at)
        else:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = None
        delivery.history = [*(delivery.history or []), record]
        delivery.save(
            update_fields=[
                "status",
                "attempts",
                "next_attempt_at",
                "last_attempt_at",
                "last_response_code",
                "last_response_body",
                "last_error",
                "history",
                "delivered_at",
            ]
        )
    return delivery


def webhook_delivery_retry(
    *, delivery: WebhookDelivery, actor: User | None, at: datetime | None = None
) -> WebhookDelivery:
    """Try a delivery again now (admin action): pending, due now, task enqueued. Audited."""
    at = _now(at)
    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        if locked.status == WebhookDelivery.Status.SUCCEEDED:
            return locked
        locked.status = WebhookDelivery.Status.PENDING
        locked.next_attempt_at = at
        locked.save(update_fields=["status", "next_attempt_at"])
        _enqueue(locked)
        audit_record(
            actor=actor,
            action="webhook_delivery.retry",
            target=locked,
            data={"event_id": str(locked.event_id), "attempts": locked.attempts},
        )
    return locked


def webhook_deliveries_requeue(*, at: datetime | None = None) -> int:
    """Enqueue again pending deliveries that are overdue by more than a lease.

    A worker that crashed between claiming a delivery and recording the
    attempt leaves it pending with no task; this (``manage.py
    webhooks_requeue``, run periodically) picks them up. Returns the count.
    """
    at = _now(at)
    # A further 30 s past the claim's lease, so a worker that is merely slow
    # records its attempt before the delivery is taken for lost.
    lease = webhook_claim_lease() + timedelta(seconds=30)
    count = 0
    with transaction.atomic():
        stale = WebhookDelivery.objects.select_for_update(skip_locked=True).filter(
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lt=at - lease,
            endpoint__active=True,
        )
        for delivery in stale:
            delivery.next_attempt_at = at
            delivery.save(update_fields=["next_attempt_at"])
            _enqueue(delivery)
            count += 1
    return count
