"""Reads of the public service catalog. Everything here is public (published versions only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from yiwang.catalog import search
from yiwang.catalog.models import GUIDE_FILE_CONTENT_TYPES, ServiceItem, ServiceVersion, Topic
from yiwang.core.errors import DomainError
from yiwang.identity.models import Department


class ServiceNotFound(DomainError, LookupError):
    """No published service (or version) with that code (HTTP 404, field ``service_code``)."""

    http_status = 404
    code = "not_found"
    field = "service_code"

    def __init__(self, service_code: object = "") -> None:
        self.service_code = str(service_code)
        super().__init__(
            f"No published service with code {service_code}."
            if service_code
            else "No such service."
        )

    def __str__(self) -> str:
        return self.service_code


@dataclass(frozen=True)
class CatalogFilters:
    """Filters of the catalog list; ``None`` means "any"."""

    department: str | None = None  # department code
    kind: str | None = None
    service_object: str | None = None  # person / legal_person; "both" services match either
    fully_online: bool | None = None
    topic: str | None = None  # topic code


def _published() -> QuerySet[ServiceVersion]:
    return (
        ServiceVersion.objects.filter(status=ServiceVersion.Status.PUBLISHED)
        .select_related("item__department")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("order")))
    )


def published_versions(filters: CatalogFilters | None = None) -> QuerySet[ServiceVersion]:
    """Published versions matching ``filters``, ordered by department then code."""
    qs = _published()
    f = filters or CatalogFilters()
    if f.department:
        qs = qs.filter(item__department__code=f.department)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.service_object:
        qs = qs.filter(service_object__in=[f.service_object, ServiceVersion.ServiceObject.BOTH])
    if f.fully_online is True:
        qs = qs.filter(online_available=True, visits=0)
    elif f.fully_online is False:
        qs = qs.filter(Q(online_available=False) | Q(visits__gt=0))
    if f.topic:
        qs = qs.filter(topics__code=f.topic)
    return qs.order_by("item__department__code", "item__code")


POPULAR_WINDOW = dt.timedelta(days=30)
POPULAR_CACHE_SECONDS = 300


def popular_services(*, limit: int) -> list[ServiceVersion]:
    """热门服务: the published services with the most applications over the last 30 days.

    Services with at least one case received in the 30 days before now come
    first, most applications first. When fewer than ``limit`` have any, the
    curated list fills the rest (``ServiceItem.popular_order``, lowest first),
    then the fully online services in catalog order. The ranking (item ids) is
    cached for five minutes; the versions are loaded fresh (two queries).
    """
    key = f"catalog:popular:v1:{limit}"
    item_ids: list[int] | None = cache.get(key)
    if item_ids is None:
        item_ids = _popular_item_ids(limit)
        cache.set(key, item_ids, POPULAR_CACHE_SECONDS)
    by_item = {v.item_id: v for v in _published().filter(item_id__in=item_ids)}
    return [by_item[i] for i in item_ids if i in by_item]


def _popular_item_ids(limit: int) -> list[int]:
    from yiwang.cases.selectors import case_counts_by_service  # cases depends on the catalog

    now = timezone.now()
    published = set(
        ServiceItem.objects.filter(published_version__isnull=False).values_list("id", flat=True)
    )
    # Ask for more than needed: a counted service may have been withdrawn since.
    counted = case_counts_by_service(since=now - POPULAR_WINDOW, until=now, limit=limit * 2)
    ids = [item_id for item_id, _ in counted if item_id in published][:limit]
    if len(ids) < limit:
        curated = ServiceItem.objects.filter(
            published_version__isnull=False, popular_order__isnull=False
        ).order_by("popular_order", "code")
        ids += [i for i in curated.values_list("id", flat=True) if i not in ids][: limit - len(ids)]
    if len(ids) < limit:
        online = published_versions(CatalogFilters(fully_online=True)).values_list(
            "item_id", flat=True
        )
        ids += [i for i in online[: limit * 2] if i not in ids][: limit - len(ids)]
    return ids


class RankedResults(Sequence[ServiceVersion]):
    """Search results in rank order, loading full versions only for the slice asked for.

    Works with Django's Paginator (len + slicing) and plain iteration.
    """

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def count(self) -> int:  # type: ignore[override]  # what Paginator calls
        return len(self.ids)

    def _load(self, ids: list[int]) -> list[ServiceVersion]:
        by_id = _published().in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    @overload
    def __getitem__(self, index: int) -> ServiceVersion: ...
    @overload
    def __getitem__(self, index: slice) -> list[ServiceVersion]: ...
    def __getitem__(self, index: int | slice) -> ServiceVersion | list[ServiceVersion]:
        if isinstance(index, slice):
            return self._load(self.ids[index])
        return self._load([self.ids[index]])[0]

    def __iter__(self) -> Iterator[ServiceVersion]:
        return iter(self._load(self.ids))


def catalog_search(query: str, filters: CatalogFilters | None = None) -> RankedResults:
    """Published versions matching a free-text query (Chinese or English), best first.

    Exact name matches come first, then names that start with the query, then
    names that contain it, then by how many query words matched and how well.
    Costs three queries plus two per page of results loaded.
    """
    query = query.strip()
    if not query:
        return RankedResults(list(published_versions(filters).values_list("id", flat=True)))
    candidates = published_versions(filters) if filters and filters != CatalogFilters() else None
    hits = search.rank(query, candidates)
    if not hits:
        return RankedResults([])
    names = {
        pk: (zh.casefold(), en.casefold(), code)
        for pk, zh, en, code in ServiceVersion.objects.filter(
            id__in=[h.version_id for h in hits]
        ).values_list("id", "name_zh", "name_en", "item__code")
    }
    folded = query.casefold()

    def sort_key(hit: search.Hit) -> tuple[int, int, int, str]:
        zh, en, code = names[hit.version_id]
        if folded in (zh, en):
            name_rank = 0
        elif zh.startswith(folded) or en.startswith(folded):
            name_rank = 1
        elif folded in zh or folded in en:
            name_rank = 2
        else:
            name_rank = 3
        return (name_rank, -hit.tokens_matched, -hit.score, code)

    ranked = sorted((h for h in hits if h.version_id in names), key=sort_key)
    return RankedResults([h.version_id for h in ranked])


def service_guide(code: str, number: int | None = None) -> ServiceVersion:
    """The published (or, with ``number``, that published or superseded) version of a service.

    Materials, fees, topics and the department are loaded. Drafts are never returned.
    """
    qs = ServiceVersion.objects.select_related(
        "item__department__region", "item__published_version"
    ).prefetch_related("materials__certificate_type", "fees", "topics")
    try:
        if number is None:
            return qs.get(item__code=code, status=ServiceVersion.Status.PUBLISHED)
        return qs.exclude(status=ServiceVersion.Status.DRAFT).get(item__code=code, number=number)
    except ServiceVersion.DoesNotExist:
        raise ServiceNotFound(code) from None


@dataclass(frozen=True)
class GuideFile:
    """A file a service guide offers to download: the stored file, its type and its name."""

    file: FieldFile
    content_type: str
    filename: str


def guide_file(code: str, kind: str, number: int | None = None) -> GuideFile:
    """The ``kind`` of file (``result-sample``, ``blank-form``, ``sample-form``) of the
    published (or that published or superseded) version of a service.

    Public, like the guide. ServiceNotFound when the service, the version or the file is not
    there, or the stored name's extension is not one a guide may offer.
    """
    field = ServiceVersion.GUIDE_FILES.get(kind)
    if field is None:
        raise ServiceNotFound(code)
    version = service_guide(code, number)
    file = getattr(version, field)
    extension = file.name.rsplit(".", 1)[-1].lower() if file and "." in file.name else ""
    content_type = GUIDE_FILE_CONTENT_TYPES.get(extension)
    if content_type is None:
        raise ServiceNotFound(code)
    return GuideFile(file, content_type, f"{code}-{kind}.{extension}")


def service_versions(code: str) -> list[ServiceVersion]:
    """The published and superseded versions of a service, newest first."""
    versions = list(
        ServiceVersion.objects.filter(item__code=code)
        .exclude(status=ServiceVersion.Status.DRAFT)
        .order_by("-number")
    )
    if not versions:
        raise ServiceNotFound(code)
    return versions


def departments_with_services() -> QuerySet[Department]:
    """Departments that offer at least one published service, with ``service_count``."""
    return (
        Department.objects.filter(is_active=True)
        .annotate(
            service_count=Count(
                "service_items",
                filter=Q(service_items__published_version__isnull=False),
            )
        )
        .filter(service_count__gt=0)
        .order_by("code")
    )


def topics_with_counts(audience: str | None = None) -> QuerySet[Topic]:
    """Topics with ``service_count``, the number of published services under each."""
    qs = Topic.objects.annotate(
        service_count=Count("versions", filter=Q(versions__status=ServiceVersion.Status.PUBLISHED))
    )
    if audience:
        qs = qs.filter(audience=audience)
    return qs.order_by("audience", "order", "code")


def topics_for_query(query: str) -> list[Topic]:
    """The topics a search query names (餐饮 in 我要开餐饮店, "catering"), with ``service_count``.

    A topic matches when its Chinese name occurs in the query or the query (two
    characters or more) in its name (户籍 → 户籍证件), or when every word of the
    query (three letters or more, stop words aside) is a word of its English
    name. The search results page shows them as links.
    """
    folded = query.strip().casefold()
    if not folded:
        return []
    words = [w for w in search.query_tokens(folded) if w.isascii() and len(w) >= 3]
    matched = []
    for topic in topics_with_counts():
        english = set(search.query_tokens(topic.name_en))
        zh = topic.name_zh
        names_it = bool(zh) and (zh in folded or (len(folded) >= 2 and folded in zh))
        if names_it or (words and all(w in english for w in words)):
            matched.append(topic)
    return matched


def department_by_code(code: str) -> Department | None:
    return Department.objects.filter(code=code).first()


def topic_by_code(code: str) -> Topic | None:
    return Topic.objects.filter(code=code).first()


def published_item_count() -> int:
    return ServiceItem.objects.filter(published_version__isnull=False).count()
