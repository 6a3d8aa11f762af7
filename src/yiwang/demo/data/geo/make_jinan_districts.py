"""Write ``jinan_districts.geojson`` from the ``geotool-cn`` package (run by hand, not at run time).

``.venv/bin/python src/yiwang/demo/data/geo/make_jinan_districts.py``

The boundaries are DataV.GeoAtlas's (originally Amap's), converted to WGS-84
by geotool-cn; their notice allows learning and exchange only, so they are
demo data: see SOURCE.md beside this file. A city loads its official
boundaries with ``manage.py load_districts <file.geojson>``.
"""

from __future__ import annotations

import json
import pathlib

from GeoToolCN import GeoTool  # type: ignore[import-untyped]

CITY = "370100"
OUT = pathlib.Path(__file__).with_name("jinan_districts.geojson")


def main() -> None:
    tool = GeoTool()
    data = tool._data  # the package has no public accessor for a region's rings
    features = []
    for region in tool.list_regions("district"):
        if not region.code.startswith(CITY[:4]) or region.code == CITY:
            continue
        _bbox, polygons = data.geometry(data.index_of(region.code, "district"))
        coordinates = [
            [
                [[round(x / 1e5, 5), round(y / 1e5, 5)] for x, y in zip(xs, ys, strict=True)]
                for xs, ys in rings
            ]
            for rings in polygons
        ]
        features.append(
            {
                "type": "Feature",
                "properties": {"code": region.code, "name": region.name},
                "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
            }
        )
    collection = {
        "type": "FeatureCollection",
        "name": "jinan_districts",
        "source": "geotool-cn 3.1.0 (DataV.GeoAtlas, Amap): learning and exchange only",
        "features": features,
    }
    OUT.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{len(features)} districts written to {OUT}")


if __name__ == "__main__":
    main()
