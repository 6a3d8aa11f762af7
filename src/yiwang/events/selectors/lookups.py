"""Lookups: district of a point, the directory, duplicates, history, the knowledge base."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from yiwang.events.models import (
    ApiKey,
    Category,
    DispatchDirectory,
    DispatchRule,
    Event,
    EventEntry,
    KnowledgeArticle,
)
from yiwang.events.types import Place
from yiwang.identity.models import Department, Region


def district_for_point(latitude: float, longitude: float) -> Region | None:
    """The district (a ``Region``) whose loaded boundary contains the WGS-84 point, or None."""
    raise NotImplementedError


def directory_current() -> DispatchDirectory | None:
    """The current version of the dispatch directory."""
    raise NotImplementedError


def dispatch_rule_for(*, category: Category, district: Region | None) -> DispatchRule | None:
    """The current directory's rule for the category in the district, else its city-wide
    rule, else the nearest ancestor category's (same order)."""
    raise NotImplementedError


def duplicates_for(
    *, category: Category, place: Place, at: datetime | None = None, exclude: Event | None = None
) -> list[Event]:
    """Open events of the same category within the category's radius and time window of the
    point (并单 proposals), nearest first."""
    raise NotImplementedError


def reporter_history(*, phone: str, limit: int = 10) -> QuerySet[Event]:
    """The caller's previous contacts, newest first (for the operator console)."""
    raise NotImplementedError


def event_timeline(*, event: Event, public_only: bool = False) -> QuerySet[EventEntry]:
    """The event's history in order; ``public_only`` for the reporter's view."""
    raise NotImplementedError


def articles_search(
    *, query: str = "", category: Category | None = None
) -> QuerySet[KnowledgeArticle]:
    """Current knowledge base answers matching the words of ``query`` (title, body, keywords)."""
    raise NotImplementedError


def categories_leaves(*, query: str = "") -> QuerySet[Category]:
    """Active leaf categories matching ``query`` (type-ahead over code, name, keywords)."""
    raise NotImplementedError


def department_record(*, department: Department) -> dict[str, int]:
    """A department's returns, disputes, overdue (red card) events and supervision orders."""
    raise NotImplementedError


def api_key_for(raw: str) -> ApiKey | None:
    """The active (not revoked) key whose hash matches ``raw``, or None."""
    raise NotImplementedError
