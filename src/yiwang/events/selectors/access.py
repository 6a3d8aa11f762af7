"""Who sees which events, and how much of the reporter."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from yiwang.events.models import Event


def events_for_handler(*, user: Any) -> QuerySet[Event]:
    """Events where a department the user handles for (承办人) has an active assignment,
    lead or supporting; newest first, with category, district and lead department joined."""
    raise NotImplementedError


def events_for_supervisor(*, user: Any) -> QuerySet[Event]:
    """A supervisor of the centre (a city-level department): every event. A supervisor of a
    district-level department: the events of that district."""
    raise NotImplementedError


def events_for_operator(*, user: Any) -> QuerySet[Event]:
    """A hotline operator: the events they registered and the centre's queues (registered,
    returned, awaiting callback)."""
    raise NotImplementedError


def events_for_citizen(*, user: Any) -> QuerySet[Event]:
    """A citizen: the events they reported (``citizen`` is them), merged ones included."""
    raise NotImplementedError


def events_visible_to(*, user: Any) -> QuerySet[Event]:
    """The union of what each of the user's roles sees (one query)."""
    raise NotImplementedError


def event_visible_to(*, user: Any, event: Event) -> bool:
    """Whether ``user`` may see ``event`` (one query at most)."""
    raise NotImplementedError


def event_reporter_view(*, user: Any, event: Event) -> dict[str, str]:
    """The reporter's phone, name and resident ID as ``user`` may see them: in full to the
    centre (operators, supervisors) and to the reporter; masked to handlers unless the
    category needs contact; nothing of an anonymous reporter; a confidential reporter's
    identity only to the centre."""
    raise NotImplementedError
