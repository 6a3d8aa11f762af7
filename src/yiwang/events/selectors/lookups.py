"""Lookups: district of a point, the directory, duplicates, history, the knowledge base."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.recheck import Rechecked
from yiwang.events.errors import LinkInvalid, LinkSpent
from yiwang.events.geo import district_index
from yiwang.events.models import (
    OPEN_STATUSES,
    ApiKey,
    Arbitration,
    Assignment,
    Card,
    Category,
    DispatchDirectory,
    DispatchRule,
    Event,
    EventEntry,
    EventPhoto,
    KnowledgeArticle,
    RatingLink,
    Status,
    SupervisionOrder,
)
from yiwang.events.types import Place
from yiwang.identity.models import Department, Region

EARTH_RADIUS_M = 6_371_000.0
#: The signing salt of the reporter's rating links (``services.rating``).
RATING_LINK_SALT = "yiwang.events.rating-link"


def district_for_point(latitude: float, longitude: float) -> Region | None:
    """The district (a ``Region``) whose loaded boundary contains the WGS-84 point, or None."""
    return districts_for_points([(latitude, longitude)])[0]


def districts_for_points(points: Sequence[tuple[float, float]]) -> list[Region | None]:
    """:func:`district_for_point` of each WGS-84 point, the regions read in one query."""
    index = district_index()
    ids = [index.lookup(latitude, longitude) for latitude, longitude in points]
    wanted = {pk for pk in ids if pk is not None}
    regions = {r.pk: r for r in Region.objects.filter(pk__in=wanted)} if wanted else {}
    return [regions.get(pk) if pk is not None else None for pk in ids]


def directory_current() -> DispatchDirectory | None:
    """The current version of the dispatch directory."""
    return DispatchDirectory.objects.filter(is_current=True).first()


def dispatch_rule_for(*, category: Category, district: Region | None) -> DispatchRule | None:
    """The current directory's rule for the category in the district, else its city-wide
    rule, else the nearest ancestor category's (same order) (:class:`DirectoryRules`)."""
    return directory_rules([category], ancestors=False).rule_for(category, district)


class DirectoryRules:
    """The current directory's rules for some categories (and their parents), read at once
    with their lead, directory and supporting departments (:func:`directory_rules`); the
    rules of an ancestor further up are read when a lookup climbs to it."""

    def __init__(self, directory: DispatchDirectory | None, categories: Iterable[Category]):
        self._directory = directory
        self._parents: dict[int, int | None] = {c.pk: c.parent_id for c in categories}
        self._rules: dict[tuple[int, int | None], DispatchRule] = {}
        self._loaded: set[int] = set()

    def rule_for(self, category: Category, district: Region | None) -> DispatchRule | None:
        """The rule for the category in the district, else its city-wide rule, else the
        nearest ancestor category's (same order); None when the directory has none."""
        if self._directory is None:
            return None
        node: int | None = category.pk
        while node is not None:
            self._load({node})
            if district is not None and (node, district.pk) in self._rules:
                return self._rules[(node, district.pk)]
            if (node, None) in self._rules:
                return self._rules[(node, None)]
            if node not in self._parents:
                self._climb({node})
            node = self._parents.get(node)
        return None

    def _climb(self, ids: set[int]) -> set[int]:
        """Read the parents of ``ids``; the new ones."""
        rows = dict(Category.objects.filter(pk__in=ids).values_list("pk", "parent_id"))
        self._parents.update(rows)
        return {p for p in rows.values() if p is not None and p not in self._parents}

    def load_ancestors(self) -> None:
        """Read every ancestor of the categories and all their rules now: one query per
        level of the tree and one for the rules, however many categories."""
        missing = {p for p in self._parents.values() if p is not None and p not in self._parents}
        while missing:
            missing = self._climb(missing)
        self._load(set(self._parents))

    def _load(self, ids: set[int]) -> None:
        wanted = (ids | {p for i in ids if (p := self._parents.get(i)) is not None}) - self._loaded
        if not wanted or self._directory is None:
            return
        rules = (
            DispatchRule.objects.filter(directory=self._directory, category_id__in=wanted)
            .select_related("lead", "directory")
            .prefetch_related("supporting")
            .order_by("pk")
        )
        for rule in rules:
            self._rules.setdefault((rule.category_id, rule.district_id), rule)
        self._loaded |= wanted


def directory_rules(categories: Iterable[Category], *, ancestors: bool = True) -> DirectoryRules:
    """The current directory's rules for ``categories``: with ``ancestors`` (a batch) those
    of every ancestor too, read now (three queries and one per level of the tree above
    them, however many categories); without, those of the categories and their parents,
    the rest as a lookup needs them."""
    rules = DirectoryRules(directory_current(), list(categories))
    if ancestors:
        rules.load_ancestors()
    return rules


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def duplicates_for(
    *, category: Category, place: Place, at: datetime | None = None, exclude: Event | None = None
) -> list[Event]:
    """Open events of the same category within the category's radius and time window of the
    point (并单 proposals), nearest first. No point, no proposal."""
    if not place.has_point:
        return []
    assert place.latitude is not None and place.longitude is not None
    at = at or timezone.now()
    radius = category.duplicate_radius_m
    dlat = radius / 111_000
    dlon = radius / (111_000 * max(math.cos(math.radians(place.latitude)), 0.01))
    candidates = Event.objects.filter(
        category=category,
        status__in=OPEN_STATUSES,
        merged_into__isnull=True,
        created_at__gte=at - timedelta(hours=category.duplicate_window_hours),
        created_at__lte=at,
        latitude__range=(place.latitude - dlat, place.latitude + dlat),
        longitude__range=(place.longitude - dlon, place.longitude + dlon),
    )
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    found = []
    for event in candidates[:50]:
        assert event.latitude is not None and event.longitude is not None
        d = distance_m(place.latitude, place.longitude, event.latitude, event.longitude)
        if d <= radius:
            found.append((d, event))
    return [e for _, e in sorted(found, key=lambda pair: pair[0])]


def reporter_history(*, phone: str, limit: int = 10) -> QuerySet[Event]:
    """The caller's previous contacts, newest first (for the operator console)."""
    phone = phone.strip()
    if not phone:
        return Event.objects.none()
    return (
        Event.objects.filter(reporter_phone=phone)
        .select_related("category")
        .order_by("-created_at")[:limit]
    )


def event_timeline(*, event: Event, public_only: bool = False) -> QuerySet[EventEntry]:
    """The event's history in order; ``public_only`` for the reporter's view."""
    entries = EventEntry.objects.filter(event=event).select_related("department")
    if public_only:
        entries = entries.filter(public=True)
    return entries.order_by("at", "id")


def articles_search(
    *, query: str = "", category: Category | None = None
) -> QuerySet[KnowledgeArticle]:
    """Current knowledge base answers matching every word of ``query`` (title, body, keywords),
    of ``category`` and its subcategories when given."""
    articles = KnowledgeArticle.objects.filter(is_current=True).select_related("category")
    if category is not None:
        articles = articles.filter(Q(category=category) | Q(category__parent=category))
    for word in query.split()[:8]:
        articles = articles.filter(
            Q(title__icontains=word) | Q(body__icontains=word) | Q(keywords__icontains=word)
        )
    return articles.order_by("title")


def categories_leaves(*, query: str = "") -> QuerySet[Category]:
    """Active leaf categories matching ``query`` (type-ahead over code, name, keywords)."""
    leaves = Category.objects.filter(is_active=True, children__isnull=True).select_related("parent")
    for word in query.split()[:5]:
        leaves = leaves.filter(
            Q(code__istartswith=word)
            | Q(name_zh__icontains=word)
            | Q(name_en__icontains=word)
            | Q(keywords__icontains=word)
            | Q(parent__name_zh__icontains=word)
        )
    return leaves.order_by("code")


def department_record(*, department: Department) -> dict[str, int]:
    """A department's returns, disputes, overdue (red card) events and supervision orders."""
    led = Event.objects.filter(lead_department=department)
    return {
        "returns": Assignment.objects.filter(
            department=department, returned_at__isnull=False
        ).count(),
        "disputes": Arbitration.objects.filter(
            department=department, reason_kind=Arbitration.Reason.DISPUTE
        ).count(),
        "overdue": led.filter(handle_card=Card.RED).count(),
        "supervision_orders": SupervisionOrder.objects.filter(department=department).count(),
        "supervision_unanswered": SupervisionOrder.objects.filter(
            department=department, answered_at__isnull=True
        ).count(),
    }


def cards_by_department() -> list[dict[str, Any]]:
    """Yellow and red cards of open events per lead department (the supervisor board)."""
    rows = (
        Event.objects.filter(status__in=OPEN_STATUSES, lead_department__isnull=False)
        .values("lead_department_id", "lead_department__name_zh")
        .annotate(
            yellow=Count("id", filter=Q(handle_card=Card.YELLOW) | Q(sign_card=Card.YELLOW)),
            red=Count("id", filter=Q(handle_card=Card.RED) | Q(sign_card=Card.RED)),
        )
        .order_by("-red", "-yellow")
    )
    return [dict(row) for row in rows]


def _active_key(digest: str) -> ApiKey | None:
    return (
        ApiKey.objects.filter(key_hash=digest, revoked_at__isnull=True)
        .select_related("owner")
        .first()
    )


#: Keys looked up by their hash, trusted for ``YIWANG_LOOKUP_RECHECK_SECONDS`` (every
#: Open311 request with an api_key asks). Revoking a key clears it.
ACTIVE_KEYS: Rechecked[str, ApiKey] = Rechecked("YIWANG_LOOKUP_RECHECK_SECONDS", _active_key)


def api_key_for(raw: str) -> ApiKey | None:
    """The active (not revoked) key whose hash matches ``raw``, or None, with its owner.

    As this process found it at most ``YIWANG_LOOKUP_RECHECK_SECONDS`` ago (0 in tests:
    every call queries), so a key revoked in another process, or its owner disabled, is
    refused here at most that long after. Read-only: the row is shared by the process's
    requests."""
    from yiwang.events.services.config import key_hash

    if not raw:
        return None
    return ACTIVE_KEYS.get(key_hash(raw))


def department_active(*, code: str) -> Department | None:
    """The active department with ``code`` (dispatch, arbitration, 督办 name one), or None."""
    return Department.objects.filter(code=code, is_active=True).first()


def category_leaf(*, code: str) -> Category | None:
    """The active leaf category with ``code`` (events are filed under leaves), or None."""
    return categories_leaves().filter(code=code).first()


def rating_link_for_token(*, token: str, at: datetime, lock: bool = False) -> RatingLink:
    """The reporter's rating link that ``token`` names, if it may still be used at ``at``.

    ``LinkInvalid`` when the signature fails (forged, altered) or no link has
    the nonce; ``LinkSpent`` when it was used, superseded or expired, or its
    event no longer awaits a rating. ``lock``: the row stays locked until the
    transaction ends (the rating service).
    """
    from django.core import signing

    try:
        nonce = str(signing.loads(token, salt=RATING_LINK_SALT)["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise LinkInvalid(_("This rating link is not valid.")) from exc
    links = RatingLink.objects.select_related("event", "event__category")
    if lock:
        links = links.select_for_update(of=("self",))
    link = links.filter(nonce=nonce).first()
    if link is None:
        raise LinkInvalid(_("This rating link is not valid."))
    if link.used_at is not None:
        raise LinkSpent(_("This rating link has been used already. Thank you."))
    if link.expires_at <= at or link.event.status != Status.REPLIED:
        raise LinkSpent(_("This rating link has expired."))
    return link


def event_photos(*, event: Event) -> QuerySet[EventPhoto]:
    """The photos of an event the caller may already see (reported, then result), oldest
    first. The caller has checked the event (``event_get_visible`` / ``event_for``)."""
    return EventPhoto.objects.filter(event=event).order_by("uploaded_at", "id")


def event_photo(*, event: Event, photo_id: int) -> EventPhoto | None:
    """One stored photo (a file, not a link) of an event the caller may see."""
    return event_photos(event=event).filter(pk=photo_id).exclude(file="").first()
