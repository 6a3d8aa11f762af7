"""What the centre maintains: the dispatch directory, the knowledge base, districts, API keys."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.events.errors import EventConflict, EventInvalid
from yiwang.events.geo import districts_changed, parse_geometry
from yiwang.events.models import (
    ApiKey,
    Category,
    DispatchDirectory,
    DispatchRule,
    District,
    KnowledgeArticle,
)
from yiwang.events.selectors.lookups import ACTIVE_KEYS
from yiwang.identity.models import Department, Region

#: One rule of a directory: category, district (None: city-wide), lead, supporting units.
RuleSpec = tuple[Category, Region | None, Department, Sequence[Department]]


def directory_publish(
    *, actor: Any, rules: Sequence[RuleSpec], note: str = ""
) -> DispatchDirectory:
    """Publish a new version of the dispatch directory (派单目录); it becomes current.

    Events keep the version they were dispatched under. One rule per category
    and district (``None``: city-wide). Audited (``event.directory_published``).
    """
    seen: set[tuple[int, int | None]] = set()
    for category, district, lead, _supporting in rules:
        key = (category.pk, district.pk if district is not None else None)
        if key in seen:
            raise EventInvalid(
                _("Two rules for %(category)s in one district.") % {"category": category},
                field="rules",
            )
        seen.add(key)
        if not lead.is_active:
            raise EventInvalid(_("%(lead)s is not active.") % {"lead": lead}, field="rules")
    with transaction.atomic():
        last = DispatchDirectory.objects.select_for_update().aggregate(v=Max("version"))["v"]
        DispatchDirectory.objects.filter(is_current=True).update(is_current=False)
        directory = DispatchDirectory.objects.create(
            version=(last or 0) + 1,
            note=note[:300],
            is_current=True,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        for category, district, lead, supporting in rules:
            rule = DispatchRule.objects.create(
                directory=directory, category=category, district=district, lead=lead
            )
            rule.supporting.set([d for d in supporting if d.pk != lead.pk])
        audit_record(
            actor=actor,
            action="event.directory_published",
            target=directory,
            data={"version": directory.version, "rules": len(rules), "note": note},
        )
    return directory


def article_save(
    *,
    actor: Any,
    key: str,
    category: Category,
    title: str,
    body: str,
    keywords: str = "",
) -> KnowledgeArticle:
    """Save a knowledge base answer as a new version of ``key`` (the previous one stays, no
    longer current). Audited."""
    if not key.strip() or not title.strip() or not body.strip():
        raise EventInvalid(_("Key, title and answer are required."), field="body")
    with transaction.atomic():
        previous = (
            KnowledgeArticle.objects.select_for_update()
            .filter(key=key)
            .order_by("-version")
            .first()
        )
        KnowledgeArticle.objects.filter(key=key, is_current=True).update(is_current=False)
        article = KnowledgeArticle.objects.create(
            key=key.strip(),
            version=(previous.version + 1) if previous else 1,
            category=category,
            title=title.strip()[:200],
            body=body.strip(),
            keywords=keywords.strip()[:300],
            is_current=True,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(
            actor=actor,
            action="event.article_saved",
            target=article,
            data={"key": article.key, "version": article.version},
        )
    return article


def districts_load(*, actor: Any, geojson: str, source: str = "") -> int:
    """Load district boundaries from a GeoJSON FeatureCollection (replacing those of the same
    regions). Each feature names its region by ``properties.code`` (GB/T 2260); the region
    must exist. Returns the number loaded. Raises ``EventInvalid`` on bad input, loading
    nothing."""
    try:
        data = json.loads(geojson)
    except ValueError as exc:
        raise EventInvalid(_("Not JSON: %(error)s") % {"error": exc}, field="geojson") from exc
    features = data.get("features") if isinstance(data, dict) else None
    if data.get("type") != "FeatureCollection" or not isinstance(features, list):
        raise EventInvalid(_("Expected a GeoJSON FeatureCollection."), field="geojson")
    parsed: list[tuple[Region, str]] = []
    for i, feature in enumerate(features):
        code = str(((feature or {}).get("properties") or {}).get("code") or "")
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise EventInvalid(
                _("Feature %(i)d: no region with code “%(code)s”.") % {"i": i, "code": code},
                field="geojson",
            )
        geometry = json.dumps(feature.get("geometry"), separators=(",", ":"))
        try:
            parse_geometry(geometry)
        except (ValueError, TypeError, AttributeError) as exc:
            raise EventInvalid(
                _("Feature %(i)d (%(code)s): %(error)s") % {"i": i, "code": code, "error": exc},
                field="geojson",
            ) from exc
        parsed.append((region, geometry))
    at = timezone.now()
    with transaction.atomic():
        for region, geometry in parsed:
            District.objects.update_or_create(
                region=region,
                defaults={"geometry": geometry, "source": source[:300], "loaded_at": at},
            )
        districts_changed()  # rebuilding an index for nothing after a rollback is harmless
        audit_record(
            actor=actor,
            action="event.districts_loaded",
            data={"codes": [r.code for r, _geometry in parsed], "source": source},
        )
    return len(parsed)


def key_hash(raw: str) -> str:
    """The stored form of an API key: its SHA-256, hex."""
    return hashlib.sha256(raw.encode()).hexdigest()


def api_key_issue(
    *, actor: Any, owner: Any, name: str, rate_per_minute: int = 600, raw: str | None = None
) -> tuple[ApiKey, str]:
    """Issue an Open311 API key for ``owner`` (an integrator): the row and the raw key, which
    is shown once; only its SHA-256 is stored. ``raw`` fixes it (the demo's key)."""
    raw = raw or secrets.token_urlsafe(32)
    if len(raw) < 16:
        raise EventInvalid(_("An API key has at least 16 characters."), field="key")
    with transaction.atomic():
        if ApiKey.objects.filter(key_hash=key_hash(raw)).exists():
            raise EventConflict(_("This key exists already."))
        key = ApiKey.objects.create(
            name=name.strip()[:100] or "Open311",
            owner=owner,
            prefix=raw[:8],
            key_hash=key_hash(raw),
            rate_per_minute=rate_per_minute,
        )
        audit_record(
            actor=actor,
            action="event.api_key_issued",
            target=key,
            data={"owner": owner.pk, "prefix": key.prefix},
        )
    return key, raw


def api_key_revoke(*, actor: Any, key: ApiKey) -> ApiKey:
    """Revoke the key: it stops working at once in this process, and in the others once
    their copy is older than ``YIWANG_LOOKUP_RECHECK_SECONDS`` (2 s in production)."""
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().get(pk=key.pk)
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at"])
            audit_record(actor=actor, action="event.api_key_revoked", target=key, data={})
            transaction.on_commit(ACTIVE_KEYS.clear)
    return key
