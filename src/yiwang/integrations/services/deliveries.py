"""Sending a webhook delivery: the body and its signature, one attempt with backoff,
retry (admin) and requeue (after a worker crash); the settings that time them.

The contract the receiving end sees is in the package docstring and docs/api.md.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import socket
import ssl
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from yiwang.core.audit import audit_record
from yiwang.core.leases import (
    Lease,
    lease_claim,
    lease_complete,
    lease_end,
    lease_free_before,
    lease_lock_held,
)
from yiwang.core.tasks import RetryPolicy, enqueue_with_transaction
from yiwang.identity.models import User
from yiwang.integrations.models import WebhookDelivery
from yiwang.integrations.services._common import _now
from yiwang.integrations.services.endpoints import (
    webhook_address_vet,
    webhook_endpoints_of_owner_deactivate,
    webhook_owner_entitled,
)

logger = logging.getLogger(__name__)

RESPONSE_EXCERPT = 500
USER_AGENT = "yiwang-webhooks/1"


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
    """The lease of a claimed delivery (how long it is left to its worker): two request
    timeouts and 30 s, past any one attempt (a request to each vetted address times out
    separately; most hosts have one or two)."""
    return timedelta(seconds=webhook_timeout_seconds() * 2 + 30)


def _enqueue(delivery: WebhookDelivery, run_after: datetime | None = None) -> None:
    from yiwang.integrations.tasks import webhook_deliver_task

    enqueue_with_transaction(webhook_deliver_task, delivery.pk, run_after=run_after)


def webhook_body(delivery: WebhookDelivery) -> bytes:
    """The exact bytes POSTed: compact JSON, keys sorted, UTF-8."""
    return json.dumps(
        delivery.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode()


def webhook_signature(secret: str, timestamp: int, body: bytes) -> str:
    """``t=<timestamp>,v1=<hex HMAC-SHA256 of b"<timestamp>." + body>``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to the vetted addresses only, never to a fresh DNS answer.

    ``host`` stays the URL's host name (the ``Host`` header); the socket goes
    to the first of ``addresses`` that accepts it.
    """

    def __init__(self, host: str, port: int, addresses: tuple[str, ...], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._addresses = addresses

    def _open_socket(self) -> socket.socket:
        last: OSError | None = None
        for address in self._addresses:
            try:
                return socket.create_connection((address, self.port), self.timeout)
            except OSError as exc:
                last = exc
        raise last or OSError("no address to connect to")

    def connect(self) -> None:
        self.sock = self._open_socket()


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    """As :class:`_PinnedHTTPConnection`, over TLS: the certificate is checked against
    the URL's host name (SNI and hostname verification), not the address."""

    default_port = http.client.HTTPS_PORT

    def connect(self) -> None:
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(self._open_socket(), server_hostname=self.host)


@dataclass(frozen=True)
class _Answer:
    status_code: int | None
    body: str
    error: str
    duration_ms: int


def _post(
    url: str,
    addresses: tuple[str, ...],
    body: bytes,
    headers: Mapping[str, str],
    timeout: float,
) -> _Answer:
    """POST ``body`` to ``url`` over a connection to ``addresses`` (vetted by
    :func:`webhook_address_vet`). Redirects are not followed: a 3xx answer is a
    failure, as following one would turn the POST into a GET without the body."""
    parts = urllib.parse.urlsplit(url)
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    started = time.monotonic()
    status: int | None = None
    text, error = "", ""
    port = parts.port or connection_class.default_port
    connection = connection_class(parts.hostname or "", port, addresses, timeout)
    try:
        connection.request("POST", path, body=body, headers=dict(headers))
        response = connection.getresponse()
        status = int(response.status)
        text = response.read(RESPONSE_EXCERPT).decode("utf-8", "replace")
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except (OSError, http.client.HTTPException, ValueError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:RESPONSE_EXCERPT]
    finally:
        connection.close()
    duration = int((time.monotonic() - started) * 1000)
    return _Answer(status, text[:RESPONSE_EXCERPT], error, duration)


def webhook_deliver(*, delivery_id: int, at: datetime | None = None) -> WebhookDelivery | None:
    """Make one attempt to deliver; on failure schedule the next one with backoff.

    Safe to run twice: the delivery is claimed under a lease
    (``yiwang.core.leases``, :func:`webhook_claim_lease` long: past the
    request's timeout); a delivery that is not pending, not due at ``at``, or
    held by another worker's lease is left alone (no task is enqueued: a lost
    one is found by :func:`webhook_deliveries_requeue`), and one whose endpoint
    is inactive is cancelled. A delivery whose endpoint's owner is no longer an
    active integrator (however the role went) is cancelled at the claim, and
    the owner's endpoints deactivated after it (audited, the system as actor).
    The HTTP request is made outside any transaction.
    Records the attempt (status code, response excerpt, error, duration) in
    ``history`` and the ``last_*`` fields. A 2xx answer → ``succeeded``;
    otherwise, while attempts < ``webhook_max_attempts()``, the task is
    re-enqueued with ``run_after = at + webhook_backoff(attempt)`` (in the
    transaction that records the attempt); then ``failed``.
    The attempt is recorded only while this run still holds the lease.
    Returns the delivery, or None when there was nothing to do (or the lease
    was lost).
    """
    at = _now(at)
    claimed = _claim(delivery_id, at)
    if claimed is None:
        return None
    delivery, lease, attempt = claimed
    answer = _attempt(delivery, at)
    return _record(delivery_id, lease, attempt, answer, at)


def _claim(delivery_id: int, at: datetime) -> tuple[WebhookDelivery, Lease, int] | None:
    """Claim the delivery for an attempt (the delivery, its lease, the attempt's number), or
    None: nothing to do, held by another worker, or cancelled here (its endpoint inactive or
    its owner no longer an active integrator)."""
    with transaction.atomic():
        claim = lease_claim(
            WebhookDelivery.objects.select_for_update(of=("self", "endpoint")).select_related(
                "endpoint__owner"
            ),
            pk=delivery_id,
            at=at,
            length=webhook_claim_lease(),
            eligible=lambda row: (
                row.status == WebhookDelivery.Status.PENDING
                and (row.next_attempt_at is None or row.next_attempt_at <= at)
            ),
        )
        delivery, lease = claim.row, claim.lease
        if delivery is None or lease is None:
            return None
        cancel = not delivery.endpoint.active or not webhook_owner_entitled(delivery.endpoint.owner)
        if cancel:
            lease_complete(
                WebhookDelivery.objects,
                lease,
                status=WebhookDelivery.Status.CANCELLED,
                next_attempt_at=None,
            )
        else:
            attempt = delivery.attempts + 1
            delivery.attempts = attempt
            delivery.save(update_fields=["attempts"])
    if cancel:
        if delivery.endpoint.active:
            # The owner is no longer an active integrator: all their endpoints stop. After
            # the claim's transaction: deactivating locks an endpoint, then its deliveries,
            # so holding this delivery's lock meanwhile could deadlock with it.
            webhook_endpoints_of_owner_deactivate(owner=delivery.endpoint.owner, actor=None)
        return None
    return delivery, lease, attempt


def _attempt(delivery: WebhookDelivery, at: datetime) -> _Answer:
    """The HTTP request of one attempt, outside any transaction."""
    endpoint = delivery.endpoint
    body = webhook_body(delivery)
    timestamp = int(at.timestamp())
    # Checked again at each attempt (DNS may now point the host at an internal
    # address), and the request goes to the addresses checked, not to a new answer.
    vetted = webhook_address_vet(endpoint.url)
    return (
        _Answer(None, "", vetted.problem, 0)
        if vetted.problem
        else _post(
            endpoint.url,
            vetted.addresses,
            body,
            {
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": USER_AGENT,
                "X-Yiwang-Event": delivery.event_type,
                "X-Yiwang-Delivery": str(delivery.event_id),
                "X-Yiwang-Timestamp": str(timestamp),
                "X-Yiwang-Signature": webhook_signature(endpoint.secret, timestamp, body),
            },
            webhook_timeout_seconds(),
        )
    )


def _record(
    delivery_id: int, lease: Lease, attempt: int, answer: _Answer, at: datetime
) -> WebhookDelivery | None:
    """Record the attempt while the lease still holds; schedule the next one or end."""
    ok = answer.status_code is not None and 200 <= answer.status_code < 300
    with transaction.atomic():
        held = lease_lock_held(WebhookDelivery.objects, lease)
        if held is None:
            # Our lease expired and another worker took the delivery over: its
            # attempt is the one that counts.
            logger.warning(
                "webhook delivery %s: lease lost, attempt %s not recorded", delivery_id, attempt
            )
            return None
        delivery = held
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
        if delivery.status != WebhookDelivery.Status.PENDING:
            # Cancelled while the request was out (its endpoint deactivated): the attempt is
            # recorded, the cancellation stands and nothing is retried.
            delivery.next_attempt_at = None
        elif ok:
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
                *lease_end(delivery),
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
    """Enqueue again pending deliveries that are overdue, and free, by more than a lease.

    Overdue: due (``next_attempt_at``) and not leased (``lease_until``) since
    before ``at`` minus a lease and 30 s. A worker that crashed between
    claiming a delivery and recording the attempt leaves it pending with no
    task and an expired lease; this (``manage.py
    webhooks_requeue``, run periodically) picks them up. Returns the count.
    """
    at = _now(at)
    # A further 30 s past a lease, so a worker that is merely slow records its
    # attempt before the delivery is taken for lost.
    cutoff = at - webhook_claim_lease() - timedelta(seconds=30)
    count = 0
    with transaction.atomic():
        stale = WebhookDelivery.objects.select_for_update(skip_locked=True).filter(
            lease_free_before(cutoff),
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lt=cutoff,
            endpoint__active=True,
        )
        for delivery in stale:
            delivery.next_attempt_at = at
            delivery.save(update_fields=["next_attempt_at"])
            _enqueue(delivery)
            count += 1
    return count
