"""Callback (回访), reopening (重办) and closing (办结)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from yiwang.events.models import Event


def event_callback(
    *,
    actor: Any,
    event: Event,
    satisfaction: str,
    resolved: bool,
    note: str = "",
    at: datetime | None = None,
) -> Event:
    """Record the callback: satisfaction on five levels and resolved / not resolved (回访).

    An operator (calling back), or the reporter (rating link / my reports).
    Satisfied and resolved closes the event (and every event merged into it);
    dissatisfied or not resolved reopens it (``event_reopen``) to the same
    department with a new deadline; a failure after a reopening raises a
    督办单 (``supervision_issue``, trigger ``second_failure``).
    """
    raise NotImplementedError


def event_reopen(*, actor: Any, event: Event, reason: str, at: datetime | None = None) -> Event:
    """Reopen a replied event (重办) to the same lead department, with a new handling deadline."""
    raise NotImplementedError


def event_close(*, actor: Any, event: Event, resolution: str, at: datetime | None = None) -> Event:
    """Close a replied event (办结) without a callback (none owed: anonymous, or the category
    needs none); merged events close with it."""
    raise NotImplementedError
