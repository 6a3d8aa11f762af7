"""Reads of the city-operations pages: queues with filters, the supervisor's board, the
callback list, the map's points and counts, an integrator's keys.

Every list starts from the access selectors (``events_for_*``,
``events_visible_to``), so a page never shows more than its user may see, and
costs a fixed number of queries whatever the data size.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from yiwang.events.models import (
    OPEN_STATUSES,
    ApiKey,
    Arbitration,
    Card,
    District,
    Event,
    ExtensionRequest,
    Status,
    SupervisionOrder,
)
from yiwang.events.selectors.access import (
    events_for_handler,
    events_for_operator,
    events_for_supervisor,
    events_visible_to,
)
from yiwang.events.selectors.lookups import distance_m
from yiwang.events.services import _common as c
from yiwang.identity.models import Role
from yiwang.identity.selectors import officer_department_ids, user_has_role

#: The most points the map draws at once (the newest open events).
MAP_LIMIT = 2000


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""
    card: str = ""
    category: str = ""
    q: str = ""


def queue_filter(events: QuerySet[Event], filters: QueueFilters) -> QuerySet[Event]:
    """Narrow a list of events: open ones (or one open status), a card, a category branch
    (by code prefix), a number or address fragment."""
    if filters.status:
        events = events.filter(status=filters.status)
    else:
        events = events.filter(status__in=OPEN_STATUSES)
    if filters.card == "none":
        events = events.filter(sign_card=Card.NONE, handle_card=Card.NONE)
    elif filters.card in (Card.YELLOW, Card.RED):
        events = events.filter(Q(sign_card=filters.card) | Q(handle_card=filters.card))
    if filters.category:
        events = events.filter(category__code__startswith=filters.category)
    if filters.q:
        events = events.filter(Q(number__icontains=filters.q) | Q(address__icontains=filters.q))
    return events


def handler_queue(*, user: Any, filters: QueueFilters) -> QuerySet[Event]:
    """The handler's queue (承办人): their departments' active assignments, red cards first,
    then the soonest handling deadline."""
    return queue_filter(events_for_handler(user=user), filters).order_by(
        "-handle_card", "-sign_card", "handle_due_at", "-id"
    )


def queue_counts(*, user: Any) -> dict[str, int]:
    """Open events of the handler's queue: all, yellow, red (one query)."""
    return (
        events_for_handler(user=user)
        .filter(status__in=OPEN_STATUSES)
        .aggregate(
            open=Count("id"),
            yellow=Count("id", filter=Q(sign_card=Card.YELLOW) | Q(handle_card=Card.YELLOW)),
            red=Count("id", filter=Q(sign_card=Card.RED) | Q(handle_card=Card.RED)),
        )
    )


def handler_supervision_orders(*, user: Any) -> QuerySet[SupervisionOrder]:
    """Unanswered 督办单 to the user's departments (handlers answer them)."""
    return (
        SupervisionOrder.objects.filter(
            department_id__in=officer_department_ids(user, c.HANDLERS), answered_at__isnull=True
        )
        .select_related("event", "department")
        .order_by("answer_due_at")
    )


@dataclass(frozen=True)
class Board:
    """What a supervisor oversees (督办): cards, arbitrations, extensions, orders, records."""

    carded: list[Event]
    arbitrations: list[Arbitration]
    extensions: list[ExtensionRequest]
    orders: list[SupervisionOrder]
    departments: list[dict[str, Any]]


def supervisor_board(*, user: Any, limit: int = 100) -> Board:
    """The board of a supervisor: their scope's yellow and red cards (red first), pending
    arbitrations and extension requests, unanswered 督办单, and each lead department's open,
    carded, returned and overdue record (a fixed number of queries)."""
    scope = events_for_supervisor(user=user)
    open_scope = scope.filter(status__in=OPEN_STATUSES)
    carded = list(
        open_scope.filter(
            Q(sign_card__in=(Card.YELLOW, Card.RED)) | Q(handle_card__in=(Card.YELLOW, Card.RED))
        ).order_by("-handle_card", "-sign_card", "handle_due_at")[:limit]
    )
    arbitrations = list(
        Arbitration.objects.filter(event__in=scope.values("pk"), decided_at__isnull=True)
        .select_related("event", "event__category", "department")
        .order_by("raised_at")[:limit]
    )
    extensions = list(
        ExtensionRequest.objects.filter(event__in=scope.values("pk"), approved__isnull=True)
        .select_related("event", "event__category", "department")
        .order_by("requested_at")[:limit]
    )
    orders = list(
        SupervisionOrder.objects.filter(event__in=scope.values("pk"), answered_at__isnull=True)
        .select_related("event", "department")
        .order_by("answer_due_at")[:limit]
    )
    departments = [
        dict(row)
        for row in scope.filter(lead_department__isnull=False)
        .values("lead_department__code", "lead_department__name_zh", "lead_department__name_en")
        .annotate(
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            yellow=Count(
                "id",
                filter=Q(status__in=OPEN_STATUSES)
                & (Q(sign_card=Card.YELLOW) | Q(handle_card=Card.YELLOW)),
            ),
            red=Count(
                "id",
                filter=Q(status__in=OPEN_STATUSES)
                & (Q(sign_card=Card.RED) | Q(handle_card=Card.RED)),
            ),
            reopened=Count("id", filter=Q(reopen_count__gt=0)),
            returns=Count("assignments", filter=Q(assignments__returned_at__isnull=False)),
        )
        .order_by("-red", "-yellow", "lead_department__code")
    ]
    return Board(carded, arbitrations, extensions, orders, departments)


def callbacks_due(*, user: Any) -> QuerySet[Event]:
    """The centre's callback list (回访): answered events awaiting a callback, oldest answer
    first; anonymous reporters owe none and are not listed."""
    return (
        events_for_operator(user=user)
        .filter(status=Status.REPLIED, category__callback_required=True, anonymous=False)
        .order_by("replied_at", "id")
    )


def overview_scope(*, user: Any) -> QuerySet[Event]:
    """The events the map and its counts draw on: what ``user`` may see, and for the city
    leader (市领导) every event, because the leader's page is the city's overview. The map
    carries no reporter data (number, place, category, status, light); opening an event
    still needs ``event_visible_to``."""
    if user_has_role(user, Role.CITY_LEADER):
        return Event.objects.all()
    return events_visible_to(user=user)


def map_points(*, user: Any, category: str = "") -> list[dict[str, Any]]:
    """The open events ``user`` may see that have a point, newest first (at most
    ``MAP_LIMIT``): number, position, category, status and light."""
    events = overview_scope(user=user).filter(
        status__in=OPEN_STATUSES, latitude__isnull=False, longitude__isnull=False
    )
    if category:
        events = events.filter(category__code__startswith=category)
    rows = events.values(
        "number",
        "latitude",
        "longitude",
        "status",
        "sign_card",
        "handle_card",
        "category__code",
        "category__name_zh",
        "category__name_en",
        "urgency",
    )[:MAP_LIMIT]
    return [{**row, "light": light_of(row["sign_card"], row["handle_card"])} for row in rows]


def open_events_near(
    *, latitude: float, longitude: float, radius_m: int = 300, limit: int = 10
) -> list[Event]:
    """Open events of any category within ``radius_m`` of the point, nearest first (the
    console shows them while the operator types; no reporter data goes with them)."""
    dlat = radius_m / 111_000
    dlon = radius_m / (111_000 * max(math.cos(math.radians(latitude)), 0.01))
    candidates = Event.objects.filter(
        status__in=OPEN_STATUSES,
        merged_into__isnull=True,
        latitude__range=(latitude - dlat, latitude + dlat),
        longitude__range=(longitude - dlon, longitude + dlon),
    ).select_related("category")[:200]
    near = []
    for event in candidates:
        assert event.latitude is not None and event.longitude is not None
        d = distance_m(latitude, longitude, event.latitude, event.longitude)
        if d <= radius_m:
            near.append((d, event))
    return [e for _, e in sorted(near, key=lambda pair: pair[0])][:limit]


def light_of(sign_card: str, handle_card: str) -> str:
    """The worse of an event's two cards: ``red``, ``yellow`` or ``green``."""
    cards = {sign_card, handle_card}
    if Card.RED in cards:
        return "red"
    if Card.YELLOW in cards:
        return "yellow"
    return "green"


def open_counts(*, user: Any) -> dict[str, Any]:
    """Counts of the open events ``user`` may see: by light and by status (two queries)."""
    events = overview_scope(user=user).filter(status__in=OPEN_STATUSES).order_by()
    lights = events.aggregate(
        open=Count("id"),
        yellow=Count(
            "id",
            filter=~Q(sign_card=Card.RED)
            & ~Q(handle_card=Card.RED)
            & (Q(sign_card=Card.YELLOW) | Q(handle_card=Card.YELLOW)),
        ),
        red=Count("id", filter=Q(sign_card=Card.RED) | Q(handle_card=Card.RED)),
    )
    by_status = dict(
        events.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return {**lights, "by_status": by_status}


def district_features() -> dict[str, Any]:
    """The loaded district boundaries as one GeoJSON FeatureCollection (for the map)."""
    features = [
        {
            "type": "Feature",
            "properties": {"code": code, "name_zh": zh, "name_en": en},
            "geometry": _geometry(text),
        }
        for code, zh, en, text in District.objects.values_list(
            "region__code", "region__name_zh", "region__name_en", "geometry"
        )
    ]
    return {"type": "FeatureCollection", "features": features}


def _geometry(text: str) -> Any:
    data = json.loads(text)
    return data.get("geometry") if data.get("type") == "Feature" else data


def api_keys_of(*, user: Any) -> QuerySet[ApiKey]:
    """An integrator's own Open311 keys (prefix, use, revocation), newest first."""
    return ApiKey.objects.filter(owner_id=getattr(user, "pk", None)).order_by("-created_at")
