"""What the centre maintains: the dispatch directory, the knowledge base, districts, API keys."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from yiwang.events.models import ApiKey, Category, DispatchDirectory, KnowledgeArticle
from yiwang.identity.models import Department, Region

#: One rule of a directory: category, district (None: city-wide), lead, supporting units.
RuleSpec = tuple[Category, Region | None, Department, Sequence[Department]]


def directory_publish(
    *, actor: Any, rules: Sequence[RuleSpec], note: str = ""
) -> DispatchDirectory:
    """Publish a new version of the dispatch directory (派单目录); it becomes current.

    Events keep the version they were dispatched under. Audited.
    """
    raise NotImplementedError


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
    longer current)."""
    raise NotImplementedError


def districts_load(*, actor: Any, geojson: str, source: str = "") -> int:
    """Load district boundaries from a GeoJSON FeatureCollection (replacing those of the same
    regions). Each feature names its region by ``properties.code`` (GB/T 2260); the region
    must exist. Returns the number loaded. Raises ``EventInvalid`` on bad input."""
    raise NotImplementedError


def api_key_issue(
    *, actor: Any, owner: Any, name: str, rate_per_minute: int = 600, raw: str | None = None
) -> tuple[ApiKey, str]:
    """Issue an Open311 API key for ``owner`` (an integrator): the row and the raw key, which
    is shown once; only its SHA-256 is stored. ``raw`` fixes it (the demo's key)."""
    raise NotImplementedError


def api_key_revoke(*, actor: Any, key: ApiKey) -> ApiKey:
    """Revoke the key: it stops working at once."""
    raise NotImplementedError
