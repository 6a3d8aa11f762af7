"""Handling (办理), reply (反馈), the one extension (延期) and supervision orders (督办单)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from yiwang.events.models import Event, EventEntry, ExtensionRequest, SupervisionOrder
from yiwang.identity.models import Department


def event_handle(
    *,
    actor: Any,
    event: Event,
    note: str = "",
    photos: Sequence[Any] = (),
    at: datetime | None = None,
) -> EventEntry:
    """Record handling progress: a note and/or result photos, by a handler of a
    department assigned to the event (lead or supporting)."""
    raise NotImplementedError


def event_reply(
    *,
    actor: Any,
    event: Event,
    outcome: str,
    result: str,
    reply: str,
    photos: Sequence[Any] = (),
    at: datetime | None = None,
) -> Event:
    """Finish handling and answer the citizen (办理反馈), as the lead department's handler.

    ``outcome``: ``resolved``, ``explained`` (not resolvable) or ``forwarded``
    (not our remit, forwarded). Closing needs evidence: a result photo (now
    or earlier) or a written ``result``. The reporter (and every merged
    reporter) is notified; categories without a callback close here.
    """
    raise NotImplementedError


def event_extend_request(
    *, actor: Any, event: Event, days: int, reason: str, at: datetime | None = None
) -> ExtensionRequest:
    """Ask for the one extension (延期), at most the category's maximum (≤ 10 working days)."""
    raise NotImplementedError


def event_extend_decide(
    *,
    actor: Any,
    request: ExtensionRequest,
    approved: bool,
    note: str = "",
    at: datetime | None = None,
) -> ExtensionRequest:
    """A supervisor approves (the handling deadline moves by its days) or refuses it."""
    raise NotImplementedError


def supervision_issue(
    *,
    actor: Any,
    event: Event,
    note: str,
    department: Department | None = None,
    trigger: str = "manual",
    at: datetime | None = None,
) -> SupervisionOrder:
    """Issue a 督办单 to the event's lead department (or ``department``): notified, must answer.

    ``actor`` a supervisor, or None for the platform (a second failure after
    重办). The answer is due within 1 working day.
    """
    raise NotImplementedError


def supervision_answer(
    *, actor: Any, order: SupervisionOrder, answer: str, at: datetime | None = None
) -> SupervisionOrder:
    """The department's handler answers the 督办单 (once)."""
    raise NotImplementedError
