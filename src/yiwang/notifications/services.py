"""Every write of the notifications app.

notify
    the in-app notification and its e-mail/SMS deliveries, enqueued in the
    caller's transaction (the transactional outbox)
notify_many
    the same for several people at once (bulk inserts)
delivery_send
    what the ``deliver_notification`` task does: claim, send once, record
delivery_retry
    send a failed delivery again (admin action)
notification_mark_read, notification_mark_all_read
    the inbox

How the outbox holds (details in docs/notifications.md): ``notify`` writes
the notification, its deliveries and their task rows (``django_tasks_db``'s
``DBTaskResult``, created by ``Task.enqueue`` with a plain INSERT on the
default connection) in one transaction, so they exist if and only if the
change that caused them committed. The worker runs each task at least once;
``delivery_send`` makes running it again harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.errors import DomainError
from yiwang.core.leases import Lease, lease_claim, lease_complete
from yiwang.core.serialize import json_safe
from yiwang.core.tasks import (
    RetryPolicy,
    enqueue_many_with_transaction,
    enqueue_with_transaction,
)
from yiwang.identity.models import User
from yiwang.notifications import texts
from yiwang.notifications.models import Notification, NotificationDelivery
from yiwang.notifications.sms import get_sms_sender

if TYPE_CHECKING:
    from yiwang.cases.models import Case

logger = logging.getLogger(__name__)

#: The lease of a claimed delivery: one claimed longer ago than this is taken to belong
#: to a dead worker (no e-mail or SMS hand-over takes that long).
SENDING_TIMEOUT = timedelta(minutes=10)


def retry_policy() -> RetryPolicy:
    """Attempts per delivery and the waits between them, from the settings (read at call time):
    ``YIWANG_NOTIFICATION_MAX_ATTEMPTS`` (default 6) and ``YIWANG_NOTIFICATION_BACKOFF_SECONDS``
    (default 120: 2, 4, 8, 16, 32 minutes)."""
    return RetryPolicy(
        attempts=int(getattr(settings, "YIWANG_NOTIFICATION_MAX_ATTEMPTS", 6)),
        first=timedelta(seconds=int(getattr(settings, "YIWANG_NOTIFICATION_BACKOFF_SECONDS", 120))),
    )


class NotificationNotFound(DomainError, LookupError):
    """No such notification for this user (404; someone else's is not revealed)."""

    http_status = 404
    code = "not_found"


def user_language(user: User) -> str:
    """The language a person reads notifications in: theirs if known, else the site's (zh-hans)."""
    language = str(getattr(user, "language", "") or "").lower()
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _case_url(case: Case | None) -> str:
    """The applicant's page of the case (the portal's My cases), when there is one."""
    if case is None:
        return ""
    get_url = getattr(case, "get_absolute_url", None)
    if callable(get_url):
        return str(get_url())
    try:
        return reverse("portal:case_detail", kwargs={"number": case.number})
    except NoReverseMatch:
        return ""


def _channels(user: User) -> list[tuple[str, str]]:
    channels = []
    if user.email:
        channels.append((NotificationDelivery.Channel.EMAIL.value, user.email))
    if user.phone:
        channels.append((NotificationDelivery.Channel.SMS.value, user.phone))
    return channels


def _enqueue(delivery_id: int, *, run_after: datetime | None = None) -> None:
    """Enqueue ``deliver_notification`` for the delivery, with the current transaction."""
    from yiwang.notifications.tasks import deliver_notification

    if not enqueue_with_transaction(deliver_notification, delivery_id, run_after=run_after):
        logger.warning("delivery %s: backend cannot defer, retry left to an admin", delivery_id)


def _rendered(
    kind: str,
    values: dict[str, Any],
    language: str,
    *,
    user: User | None,
    case: Case | None = None,
    rendered: texts.Texts | None = None,
) -> Notification:
    """The notification of ``kind`` to ``user`` (None: a phone number without an account),
    its title and text rendered in ``language`` (``rendered``: already, for these
    ``values``), linked to ``values["url"]`` or the case; not saved yet."""
    title, body = rendered if rendered is not None else texts.render(kind, values, language)
    return Notification(
        user=user,
        case=case,
        kind=kind,
        context=values,
        language=language,
        title=title[:200],
        body=body,
        url=str(values.get("url") or _case_url(case))[:500],
    )


def notify(
    *,
    user: User,
    case: Case | None = None,
    kind: str,
    context: Mapping[str, Any] | None = None,
) -> Notification:
    """Tell ``user`` that something about ``case`` happened: in-app, by e-mail and by SMS.

    Call it inside the transaction of the change (the cases services do).
    Creates the Notification, in the recipient's language (see
    ``user_language``; zh-hans by default), with a link to the case when the
    case has one; one NotificationDelivery per channel the user has (e-mail
    when they have an address, SMS when they have a phone number); and one
    ``deliver_notification`` task per delivery, in the same transaction. If
    the transaction rolls back, none of it exists and nothing is sent.
    ``context`` must be JSON-serialisable (other values are stored as text).
    """
    values: dict[str, Any] = json_safe(dict(context or {}))
    if case is not None:
        values.setdefault("number", str(getattr(case, "number", "")))
    notification = _rendered(kind, values, user_language(user), user=user, case=case)
    with transaction.atomic(savepoint=False):
        notification.save(force_insert=True)
        for channel, address in _channels(user):
            delivery = NotificationDelivery.objects.create(
                notification=notification, channel=channel, address=address
            )
            _enqueue(delivery.pk)
    return notification


def notify_many(
    *, users: Sequence[User], kind: str, context: Mapping[str, Any] | None = None
) -> list[Notification]:
    """:func:`notify` for several people at once about the same thing (no case): the same
    rows — a notification each, in their language, a delivery per channel they have, a
    ``deliver_notification`` task per delivery — written with one insert for the
    notifications, one for the deliveries and one for the tasks
    (:func:`notify_batch`). Call it inside the transaction of the change. A person listed
    twice is told twice (as two ``notify`` calls would)."""
    return notify_batch([(user, kind, context) for user in users])


def notify_batch(
    messages: Sequence[tuple[User, str, Mapping[str, Any] | None]],
) -> list[Notification]:
    """:func:`notify` (no case) for each (user, kind, context) of ``messages``, the rows of
    all of them written with one insert per table — notifications, deliveries, their
    ``deliver_notification`` tasks — whatever their number: what a batch intake that
    tells each event's departments calls once. Call it inside the transaction of the
    change. Messages that share their context object (the officers of one event's
    departments) share its JSON form and are rendered once per language."""
    shared: dict[tuple[str, int, str], tuple[dict[str, Any], texts.Texts]] = {}
    rows = []
    for user, kind, context in messages:
        language = user_language(user)
        key = (kind, id(context), language)  # the messages keep each context alive
        if key not in shared:
            values = json_safe(dict(context or {}))
            shared[key] = (values, texts.render(kind, values, language))
        values, rendered = shared[key]
        rows.append(_rendered(kind, dict(values), language, user=user, rendered=rendered))
    if not rows:
        return rows
    from yiwang.notifications.tasks import deliver_notification

    with transaction.atomic(savepoint=False):
        Notification.objects.bulk_create(rows)
        deliveries = [
            NotificationDelivery(notification=row, channel=channel, address=address)
            for (user, _kind, _context), row in zip(messages, rows, strict=True)
            for channel, address in _channels(user)
        ]
        NotificationDelivery.objects.bulk_create(deliveries)
        enqueue_many_with_transaction(deliver_notification, [(d.pk,) for d in deliveries])
    return rows


def notify_phone(
    *, phone: str, kind: str, context: Mapping[str, Any] | None = None
) -> Notification:
    """Send a text message of ``kind`` to a phone number that has no account (a hotline caller).

    Like ``notify`` in the same transaction, in the site's language: a
    Notification without a recipient (no inbox shows it) and one SMS
    NotificationDelivery, with its ``deliver_notification`` task.
    """
    values: dict[str, Any] = json_safe(dict(context or {}))
    notification = _rendered(kind, values, settings.LANGUAGE_CODE, user=None)
    with transaction.atomic(savepoint=False):
        notification.save(force_insert=True)
        delivery = NotificationDelivery.objects.create(
            notification=notification, channel=NotificationDelivery.Channel.SMS, address=phone
        )
        _enqueue(delivery.pk)
    return notification


def _send(delivery: NotificationDelivery) -> None:
    notification = delivery.notification
    if delivery.channel == NotificationDelivery.Channel.EMAIL:
        message = EmailMessage(
            subject=notification.title,
            body=notification.body,
            to=[delivery.address],
            headers={"X-Yiwang-Delivery": str(delivery.pk)},
        )
        message.send(fail_silently=False)
    elif delivery.channel == NotificationDelivery.Channel.SMS:
        get_sms_sender().send(delivery.address, f"{notification.title}\n{notification.body}")
    else:
        raise ValueError(f"unknown channel {delivery.channel!r}")


def delivery_send(*, delivery_id: int) -> str:
    """Send one delivery, unless it was sent already; returns what happened.

    Safe to run twice and from two workers at once: the delivery is claimed
    under a lease (``yiwang.core.leases``: row locked only for the claim,
    ``pending`` → ``sending``, attempt counted, a lease of ``SENDING_TIMEOUT``),
    never locked while the message goes out. Outcomes:

    - ``sent``: handed to the e-mail backend / SMS sender, ``sent_at`` set;
    - ``skipped``: already sent or failed for good, or gone;
    - ``busy``: another worker holds the lease (claimed it less than
      ``SENDING_TIMEOUT`` ago); a new task looks again when that lease ends (a
      worker that died while sending leaves its lease behind, and this takes
      it over);
    - ``retry`` / ``failed``: sending raised; the error is recorded and a
      retry enqueued with the backoff of :func:`retry_policy`, until its last attempt.

    The outcome is recorded only while this run still holds the lease: a run
    whose lease expired and was taken over leaves the row to its successor.
    A worker that dies after the message went out but before ``sent`` was
    recorded makes the message go out again: at least once, not exactly once.
    """
    now = timezone.now()
    with transaction.atomic():
        claim = lease_claim(
            NotificationDelivery.objects.select_for_update(of=("self",)).select_related(
                "notification"
            ),
            pk=delivery_id,
            at=now,
            length=SENDING_TIMEOUT,
            eligible=lambda row: row.status not in _FINAL,
            held_otherwise=_claimed_by_the_previous_release,
        )
        if claim.held_until is not None:
            _enqueue(delivery_id, run_after=claim.held_until)
            return "busy"
        delivery, lease = claim.row, claim.lease
        if delivery is None or lease is None:
            return "skipped"
        delivery.status = NotificationDelivery.Status.SENDING
        delivery.claimed_at = now
        delivery.attempts += 1
        delivery.save(update_fields=["status", "claimed_at", "attempts"])

    try:
        _send(delivery)
    except Exception as exc:
        return _record_failure(delivery, lease, exc)

    lease_complete(
        NotificationDelivery.objects,
        lease,
        status=NotificationDelivery.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
    )
    return "sent"


_FINAL = (NotificationDelivery.Status.SENT, NotificationDelivery.Status.FAILED)


def _claimed_by_the_previous_release(row: NotificationDelivery) -> datetime | None:
    """When the claim of a worker of the previous release ends: it marked the row
    ``sending`` at ``claimed_at`` and wrote no lease (this release's claims always do, and
    end theirs when they record the outcome). Drop with ``claimed_at``."""
    if row.status != NotificationDelivery.Status.SENDING or row.lease_until is not None:
        return None
    return row.claimed_at + SENDING_TIMEOUT if row.claimed_at is not None else None


def _record_failure(delivery: NotificationDelivery, lease: Lease, exc: Exception) -> str:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    policy = retry_policy()
    final = policy.gives_up_after(delivery.attempts)
    logger.warning(
        "delivery %s (%s) attempt %s failed: %s",
        delivery.pk,
        delivery.channel,
        delivery.attempts,
        error,
    )
    with transaction.atomic():
        recorded = lease_complete(
            NotificationDelivery.objects,
            lease,
            status=NotificationDelivery.Status.FAILED
            if final
            else NotificationDelivery.Status.PENDING,
            last_error=error,
        )
        if recorded and not final:
            _enqueue(delivery.pk, run_after=timezone.now() + policy.delay_after(delivery.attempts))
    return "failed" if final else "retry"


def delivery_retry(*, delivery_id: int) -> bool:
    """Send a failed delivery again (one more attempt); False if it is not failed."""
    with transaction.atomic():
        updated = NotificationDelivery.objects.filter(
            pk=delivery_id, status=NotificationDelivery.Status.FAILED
        ).update(status=NotificationDelivery.Status.PENDING, attempts=retry_policy().attempts - 1)
        if updated:
            _enqueue(delivery_id)
    return bool(updated)


def notification_mark_read(
    *, user: User, notification_id: int, at: datetime | None = None
) -> Notification:
    """Mark one of ``user``'s notifications read (already read ones keep their time).

    Errors: NotificationNotFound when it is not theirs.
    """
    at = at or timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, user_id=user.pk)
            .first()
        )
        if notification is None:
            raise NotificationNotFound(_("No such notification."))
        if notification.read_at is None:
            notification.read_at = at
            notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, user: User, at: datetime | None = None) -> int:
    """Mark every unread notification of ``user`` read; returns how many."""
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).update(
        read_at=at or timezone.now()
    )
