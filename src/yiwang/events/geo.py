"""District lookup: which district a WGS-84 point lies in (shapely, STRtree index).

The boundaries are data (``District`` rows, GeoJSON), loaded by
``manage.py load_districts``. The index is built once per process and rebuilt
when the rows change (their newest ``loaded_at`` and count are the fingerprint, with a
generation this process bumps when it loads boundaries).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.prepared import prep

_lock = threading.Lock()
_cached: tuple[Any, DistrictIndex] | None = None
#: Bumped when this process loads boundaries (another process sees the rows' fingerprint).
_generation = 0


def districts_changed() -> None:
    """Forget the index: the next lookup rebuilds it (called after boundaries are loaded)."""
    global _generation
    _generation += 1


@dataclass(frozen=True)
class DistrictIndex:
    """Geometries and the region ids they belong to, in one STRtree."""

    tree: STRtree
    region_ids: tuple[int, ...]
    prepared: tuple[Any, ...]

    @classmethod
    def build(cls, rows: list[tuple[int, str]]) -> DistrictIndex:
        geometries: list[BaseGeometry] = []
        ids: list[int] = []
        for region_id, text in rows:
            geometries.append(parse_geometry(text))
            ids.append(region_id)
        return cls(STRtree(geometries), tuple(ids), tuple(prep(g) for g in geometries))

    def lookup(self, latitude: float, longitude: float) -> int | None:
        """The region id of the district containing the point, or None (outside them all)."""
        point = Point(longitude, latitude)
        for i in self.tree.query(point):
            if self.prepared[int(i)].covers(point):
                return self.region_ids[int(i)]
        return None


def parse_geometry(text: str) -> BaseGeometry:
    """A Polygon or MultiPolygon from GeoJSON text (a geometry or a Feature); ValueError else."""
    data = json.loads(text)
    if data.get("type") == "Feature":
        data = data.get("geometry") or {}
    if data.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"a district must be a Polygon or MultiPolygon, not {data.get('type')!r}")
    geometry = shape(data)
    if geometry.is_empty:
        raise ValueError("the geometry is empty")
    if not geometry.is_valid:
        geometry = geometry.buffer(0)
    return geometry


def district_index() -> DistrictIndex:
    """The index of the districts as the database has them now (cached per process)."""
    global _cached
    from django.db.models import Count, Max

    from yiwang.events.models import District

    rows_fingerprint = District.objects.aggregate(n=Count("id"), last=Max("loaded_at"))
    fingerprint = (_generation, *rows_fingerprint.values())
    cached = _cached
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    with _lock:
        rows = list(District.objects.values_list("region_id", "geometry"))
        index = DistrictIndex.build(rows)
        _cached = (fingerprint, index)
    return index
