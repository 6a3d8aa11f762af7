"""Intake (受理): register an event from any channel, answer directly, merge and split (并单)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from yiwang.events.models import Category, DeadLetter, Device, Event, KnowledgeArticle
from yiwang.events.types import Place, Reporter


def event_register(
    *,
    actor: Any,
    channel: str,
    category: Category,
    reporter: Reporter,
    place: Place,
    description: str,
    urgency: str = "normal",
    attributes: Mapping[str, Any] | None = None,
    media: Sequence[Any] = (),
    at: datetime | None = None,
    auto_dispatch: bool = False,
) -> Event:
    """Register an event (受理) from ``channel`` (hotline, web, open311, iot).

    ``actor`` is the operator (hotline), the citizen (web), the integrator's
    user (open311) or None (iot). The district comes from the point
    (``selectors.district_for_point``) or ``place.district_code``. ``media`` are
    uploaded files (stored as report photos) or URLs (Open311 ``media_url``).
    With ``auto_dispatch`` the event is dispatched at once from the directory
    (``event_dispatch`` with no lead); when the directory has no rule it stays
    registered for an operator. Starts the ``city_event`` workflow; history
    entry ``registered`` (public); audit ``event.register``.
    Raises ``EventInvalid`` (a non-leaf or inactive category, an empty
    description, a description over 4,000 characters, a bad channel/urgency,
    a point outside WGS-84 ranges).
    """
    raise NotImplementedError


def event_answer_directly(
    *,
    actor: Any,
    event: Event,
    article: KnowledgeArticle,
    note: str = "",
    at: datetime | None = None,
) -> Event:
    """Answer a registered event on the spot from the knowledge base (直办) and close it.

    Only a hotline operator; only a registered (not yet dispatched) event.
    Counts toward the 直办率 (``answered_directly``); the article's version is
    kept. Workflow ``close``; history ``answered_directly`` (public); audit.
    """
    raise NotImplementedError


def event_merge(*, actor: Any, event: Event, into: Event, at: datetime | None = None) -> Event:
    """Merge ``event`` into the open event ``into`` (并单): one is handled, both reporters hear.

    Only an operator; same category; ``into`` open and not itself merged.
    ``event`` ends its assignments and moves to ``merged``; the reporter of
    ``event`` receives ``into``'s outcome and callback. Audited on both.
    """
    raise NotImplementedError


def event_split(*, actor: Any, event: Event, reason: str, at: datetime | None = None) -> Event:
    """Take a merged event out again (拆单): it goes back to registered, to be dispatched.

    Operator or supervisor, with a reason. Audited on both events.
    """
    raise NotImplementedError


def event_alarm(
    *,
    device_code: str,
    alarm_type: str,
    value: Any = None,
    latitude: float | None = None,
    longitude: float | None = None,
    topic: str = "",
    payload: str = "",
    at: datetime | None = None,
) -> Event | DeadLetter:
    """One IoT alarm: a new event of the device's category for its department, or an update.

    A repeated alarm of the same device within its ``alarm_window_minutes`` of
    the last one, while that event is open, updates it (``alarm_count``,
    ``last_alarm_at``, a history entry) instead of creating another. An
    unknown or inactive device gives a ``DeadLetter`` (never dropped).
    New events are dispatched at once to the device's department.
    """
    raise NotImplementedError


def dead_letter_record(
    *, topic: str, payload: str, reason: str, device_code: str = "", at: datetime | None = None
) -> DeadLetter:
    """Keep a message that could not become an event (malformed, unknown device), with why."""
    raise NotImplementedError


def _device(code: str) -> Device | None:
    return Device.objects.filter(code=code, is_active=True).select_related("category").first()
