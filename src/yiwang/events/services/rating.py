"""The reporter's rating link (回访 by message): single-use, expiring, signed.

For a category whose callback is by rating link (``Category.callback_channel``
``link``), replying to the reporter sends each reporter (the event's and every
merged event's) a notification with a link: in-app and by SMS for a reporter
with an account, by SMS alone for a caller known only by phone. The link opens
a public page (no sign-in) to rate on the five levels and resolved / not
resolved; the rating goes through ``callback.record_callback``, the one path
of the operator's callback, so a bad rating reopens the event (重办) and a
second failure raises a 督办单 exactly as there.

The token is ``django.core.signing`` over the link's random nonce (salted), so
a forged or altered token is refused before the database is asked; the row
makes it single-use (``used_at``) and expiring (``expires_at``, setting
``YIWANG_RATING_LINK_DAYS``).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from yiwang.events.models import Event, RatingLink
from yiwang.events.selectors.lookups import RATING_LINK_SALT as SALT
from yiwang.events.selectors.lookups import rating_link_for_token
from yiwang.events.services import _common as c
from yiwang.events.services.callback import record_callback


def rating_token(link: RatingLink) -> str:
    """The signed token of the link (what its URL carries)."""
    return signing.dumps({"n": link.nonce}, salt=SALT, compress=False)


def rating_url(link: RatingLink) -> str:
    """The link's address, absolute when ``YIWANG_SITE_URL`` is set (for text messages)."""
    path = reverse("city:rate", args=[rating_token(link)])
    return f"{settings.YIWANG_SITE_URL}{path}"


def rating_links_issue(event: Event, *, at: datetime) -> list[RatingLink]:
    """In the reply's transaction: a new link per reporter of the (locked) event, notified.

    Earlier unused links of the event expire now (a reopened event answered
    again asks afresh). An anonymous reporter, or one with neither an account
    nor a phone number, gets none.
    """
    from yiwang.notifications.services import notify, notify_phone

    RatingLink.objects.filter(event=event, used_at__isnull=True, expires_at__gt=at).update(
        expires_at=at
    )
    expires = at + timedelta(days=settings.YIWANG_RATING_LINK_DAYS)
    reporters = [event, *Event.objects.filter(merged_into=event).select_related("citizen")]
    links = []
    for reported in reporters:
        if reported.anonymous:
            continue
        citizen = reported.citizen
        user = citizen if citizen is not None and citizen.is_active else None
        phone = "" if user is not None else reported.reporter_phone
        if user is None and not phone:
            continue
        link = RatingLink.objects.create(
            event=event, nonce=secrets.token_hex(16), phone=phone, issued_at=at, expires_at=expires
        )
        context = {
            "number": event.number,
            "url": rating_url(link),
            "expires": timezone.localtime(expires).strftime("%Y-%m-%d %H:%M"),
        }
        if user is not None:
            notify(user=user, kind="event_rating_link", context=context)
        else:
            notify_phone(phone=phone, kind="event_rating_link", context=context)
        links.append(link)
    return links


def event_rate_by_link(
    *,
    token: str,
    satisfaction: str,
    resolved: bool,
    note: str = "",
    at: datetime | None = None,
) -> Event:
    """The reporter rates through the link, without signing in (回访).

    Locks the link's row, then the event. ``LinkInvalid`` for a forged or
    unknown token; ``LinkSpent`` when it was used, superseded or has expired,
    or the event no longer awaits a rating. Marks the link used and expires
    the event's other links; the callback is recorded as the reporter's
    (``record_callback``: closes, or reopens (重办) on a bad rating).
    """
    at = c.now(at)
    with transaction.atomic():
        link = rating_link_for_token(token=token, at=at, lock=True)
        event = c.locked(link.event)
        actor: Any = event.citizen if event.citizen_id else None
        record_callback(
            event,
            actor=actor,
            role="citizen",
            satisfaction=satisfaction,
            resolved=resolved,
            note=note,
            at=at,
        )
        link.used_at = at
        link.save(update_fields=["used_at"])
        RatingLink.objects.filter(event=event, used_at__isnull=True).update(expires_at=at)
    return event
