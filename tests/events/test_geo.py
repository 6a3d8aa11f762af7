"""District lookup on Jinan's boundaries (shapely STRtree) and ``manage.py load_districts``.

Expected districts come from geotool-cn's own lookup of the same points (its grid index,
not this code): 泉城广场 and 千佛山 in 历下区, 经四路 in 市中区, 济南西站 in 槐荫区.
"""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from yiwang.events.models import District
from yiwang.events.selectors import district_for_point

from ..factories import (
    DONGYING,
    JINAN_DISTRICTS,
    JINAN_WEST_STATION,
    JINGSI_ROAD,
    QIANFO_MOUNTAIN,
    QUANCHENG_SQUARE,
    jinan_regions,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    jinan_regions()
    call_command("load_districts", str(JINAN_DISTRICTS), "--source", "test", stdout=None)


@pytest.mark.parametrize(
    ("point", "code"),
    [
        (QUANCHENG_SQUARE, "370102"),
        (QIANFO_MOUNTAIN, "370102"),
        (JINGSI_ROAD, "370103"),
        (JINAN_WEST_STATION, "370104"),
    ],
)
def test_a_point_lies_in_its_district(loaded, point, code):
    assert district_for_point(*point).code == code


def test_a_point_outside_the_city_has_no_district(loaded):
    assert district_for_point(*DONGYING) is None


def test_every_district_of_jinan_is_loaded(loaded):
    assert District.objects.count() == 12


def test_loading_again_replaces_and_the_index_follows(loaded):
    # 历下区 replaced by a small square around 经四路: the lookup sees it at once.
    lat, lon = JINGSI_ROAD
    square = [[lon - 0.001, lat - 0.001], [lon + 0.001, lat - 0.001], [lon + 0.001, lat + 0.001],
              [lon - 0.001, lat + 0.001], [lon - 0.001, lat - 0.001]]  # fmt: skip
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "370102"},
         "geometry": {"type": "Polygon", "coordinates": [square]}}]}  # fmt: skip
    from yiwang.events.services import districts_load

    districts_load(actor=None, geojson=json.dumps(doc))

    assert district_for_point(*QUANCHENG_SQUARE) is None
    assert district_for_point(*JINGSI_ROAD).code in {"370102", "370103"}


@pytest.mark.parametrize(
    "doc",
    [
        "not json",
        json.dumps({"type": "Feature"}),
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"code": "999999"},
                        "geometry": {"type": "Point", "coordinates": [117, 36]},
                    }
                ],
            }
        ),
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"code": "370102"},
                        "geometry": {"type": "Point", "coordinates": [117, 36]},
                    }
                ],
            }
        ),
    ],
)
def test_bad_boundaries_are_refused_and_nothing_changes(loaded, tmp_path, doc):
    path = tmp_path / "bad.geojson"
    path.write_text(doc)
    before = list(District.objects.order_by("pk").values_list("geometry", flat=True))

    with pytest.raises(CommandError):
        call_command("load_districts", str(path))

    assert list(District.objects.order_by("pk").values_list("geometry", flat=True)) == before
