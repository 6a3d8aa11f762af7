"""Reads of the Open311 GeoReport v2 interface: its services and its service requests.

What Open311 shows is public by the specification's design (any client may
list requests without a key). So it shows what a city publishes of an event,
never who reported it: no reporter field exists in GeoReport v2, and
confidential (保密) events are left out altogether. A merged event (并单)
follows the event it was merged into: open while that one is open.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet

from yiwang.core.recheck import Rechecked
from yiwang.events.models import (
    OPEN_STATUSES,
    Category,
    Event,
    EventEntry,
    EventPhoto,
    IntakeRequest,
    Status,
)
from yiwang.events.selectors.lookups import categories_leaves

OPEN = "open"
CLOSED = "closed"
STATUSES = (OPEN, CLOSED)


def open311_services() -> QuerySet[Category]:
    """The services offered: every active leaf category, in code order (parents joined)."""
    return categories_leaves()


def _leaf(code: str) -> Category | None:
    return categories_leaves().filter(code=code).first()


#: The services looked up by code, trusted for ``YIWANG_LOOKUP_RECHECK_SECONDS`` (every
#: POST asks). A category retired meanwhile is refused by the intake worker, which reads
#: the categories again when it registers.
SERVICES: Rechecked[str, Category] = Rechecked("YIWANG_LOOKUP_RECHECK_SECONDS", _leaf)


def open311_service(code: str) -> Category | None:
    """The active leaf category of ``code`` (its parent joined), or None: as this process
    found it at most ``YIWANG_LOOKUP_RECHECK_SECONDS`` ago (0 in tests). Read-only."""
    return SERVICES.get(code)


def _published() -> QuerySet[Event]:
    photos = EventPhoto.objects.filter(kind=EventPhoto.Kind.REPORT).order_by("uploaded_at", "id")
    return (
        Event.objects.filter(confidential=False)
        .select_related("category", "lead_department", "merged_into", "district")
        .prefetch_related(Prefetch("photos", queryset=photos, to_attr="report_photos"))
    )


def _status_q(status: str) -> Q:
    if status == OPEN:
        return Q(status__in=OPEN_STATUSES) | Q(
            status=Status.MERGED, merged_into__status__in=OPEN_STATUSES
        )
    return Q(status=Status.CLOSED) | Q(status=Status.MERGED, merged_into__status=Status.CLOSED)


def open311_status(event: Event) -> str:
    """``open`` or ``closed``: a merged event has the status of the one it was merged into."""
    target = event.merged_into if event.status == Status.MERGED else None
    status = target.status if target is not None else event.status
    return CLOSED if status == Status.CLOSED else OPEN


def open311_requests(
    *,
    ids: Sequence[str] = (),
    service_codes: Sequence[str] = (),
    start: datetime | None = None,
    end: datetime | None = None,
    statuses: Sequence[str] = (),
    updated_after: datetime | None = None,
    offset: int = 0,
    limit: int = 1000,
    with_history: bool = False,
) -> list[Event]:
    """Published events, newest first, with what their documents need (a fixed number of
    queries: events, report photos, and with ``with_history`` their public history).

    ``ids`` (event numbers) override every other filter, as the specification
    says of ``service_request_id``; otherwise ``requested_datetime`` (the
    registration) is within [``start``, ``end``], and ``service_codes``,
    ``statuses`` (open/closed) and ``updated_after`` narrow it.
    """
    events = _published()
    if ids:
        events = events.filter(number__in=list(ids))
    else:
        if start is not None:
            events = events.filter(created_at__gte=start)
        if end is not None:
            events = events.filter(created_at__lte=end)
        if service_codes:
            events = events.filter(category__code__in=list(service_codes))
        if statuses and set(statuses) != set(STATUSES):
            events = events.filter(_status_q(statuses[0]))
        if updated_after is not None:
            events = events.filter(updated_at__gt=updated_after)
    if with_history:
        history = EventEntry.objects.filter(public=True).order_by("at", "id")
        events = events.prefetch_related(
            Prefetch("entries", queryset=history, to_attr="public_history")
        )
    return list(events.order_by("-created_at", "-id")[offset : offset + limit])


def open311_request(number: str, *, with_history: bool = False) -> Event | None:
    """The published event whose number is ``number``, or None."""
    found = open311_requests(ids=[number], limit=1, with_history=with_history)
    return found[0] if found else None


def open311_token(token: str) -> IntakeRequest | None:
    """The queued request (the intake queue's row) a GeoReport v2 ``token`` names, with its
    event's number when registered, or None. One query. A token is a random secret of the
    integrator that posted: it shows only the service_request_id (public anyway) or the
    refusal, never the request's content."""
    return (
        IntakeRequest.objects.select_related("event")
        .only("token", "state", "error", "error_status", "event__number")
        .filter(token=token)
        .first()
    )
