"""District lookup time per point (``yiwang.events.geo``: shapely STRtree, prepared polygons).

Builds the index the events app builds, from GeoJSON, and times ``DistrictIndex.lookup``
over random points (seeded) in the bounding box of the polygons, with every district
polygon loaded:

1. Jinan's 12 districts (the demo boundaries, src/yiwang/demo/data/geo/);
2. with geotool-cn installed (a development requirement), every county-level division of
   China (~2,800 polygons), as a city far bigger than any would load.

Printed: polygons, vertices, index build time, microseconds per lookup (mean, p99) and
lookups per second. No database: ``selectors.district_for_point`` adds one primary-key
query for the region row.

    .venv/bin/python bench/district_lookup.py
    BENCH_POINTS=200000 .venv/bin/python bench/district_lookup.py
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import shapely  # noqa: E402

from yiwang.events.geo import DistrictIndex  # noqa: E402

POINTS = int(os.environ.get("BENCH_POINTS", "50000"))
JINAN = ROOT / "src/yiwang/demo/data/geo/jinan_districts.geojson"


def jinan_rows() -> list[tuple[int, str]]:
    doc = json.loads(JINAN.read_text(encoding="utf-8"))
    return [(int(f["properties"]["code"]), json.dumps(f["geometry"])) for f in doc["features"]]


def china_rows() -> list[tuple[int, str]] | None:
    try:
        from GeoToolCN import GeoTool  # type: ignore[import-untyped]
    except ImportError:
        return None
    tool = GeoTool()
    data = tool._data
    rows = []
    for region in tool.list_regions("district"):
        decoded = data.geometry(data.index_of(region.code, "district"))
        if decoded is None:
            continue
        coordinates = [
            [[[x / 1e5, y / 1e5] for x, y in zip(xs, ys, strict=True)] for xs, ys in rings]
            for rings in decoded[1]
        ]
        geometry = {"type": "MultiPolygon", "coordinates": coordinates}
        rows.append((int(region.code), json.dumps(geometry)))
    return rows


def run(name: str, rows: list[tuple[int, str]]) -> None:
    started = time.perf_counter()
    index = DistrictIndex.build(rows)
    built = time.perf_counter() - started
    vertices = int(shapely.get_num_coordinates(index.tree.geometries).sum())
    bounds = index.tree.geometries
    minx = min(g.bounds[0] for g in bounds)
    miny = min(g.bounds[1] for g in bounds)
    maxx = max(g.bounds[2] for g in bounds)
    maxy = max(g.bounds[3] for g in bounds)
    rng = random.Random(20260303)
    points = [(rng.uniform(miny, maxy), rng.uniform(minx, maxx)) for _ in range(POINTS)]
    timings = []
    found = 0
    for lat, lon in points:
        t = time.perf_counter()
        hit = index.lookup(lat, lon)
        timings.append(time.perf_counter() - t)
        found += hit is not None
    timings.sort()
    total = sum(timings)
    print(
        f"{name}: {len(rows)} polygons, ~{vertices:,} vertices, index built in {built:.2f} s; "
        f"{POINTS:,} points ({found:,} inside a district): "
        f"mean {total / POINTS * 1e6:.1f} µs, p99 {timings[int(POINTS * 0.99)] * 1e6:.1f} µs "
        f"per lookup, {POINTS / total:,.0f} lookups/s"
    )


def main() -> None:
    run("Jinan districts", jinan_rows())
    china = china_rows()
    if china is None:
        print("China's county-level divisions: skipped (geotool-cn is not installed)")
    else:
        run("China's county-level divisions", china)


if __name__ == "__main__":
    main()
