"""Ids taken before an insert, and rows updated without bulk_update's CASE."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.clock import NOW
from tests.factories import open311_key
from yiwang.core.bulk import ids_reserve, rows_update, rows_write
from yiwang.events.models import IntakeRequest
from yiwang.identity.models import Region

pytestmark = pytest.mark.django_db


def _region(code: str, name: str, parent: Region | None = None) -> Region:
    return Region.objects.create(
        code=code, name_zh=name, name_en=name, level=Region.Level.DISTRICT, parent=parent
    )


def test_each_row_gets_its_own_values_in_one_statement():
    # given three districts of 济南
    city = Region.objects.create(code="370100", name_zh="济南市", name_en="Jinan", level="city")
    rows = [
        _region("370102", "历下区", city),
        _region("370103", "市中区"),
        _region("370104", "槐荫区"),
    ]

    # when each is renamed and the first loses its parent, the second gains one
    rows[0].name_zh, rows[0].parent = "历下", None
    rows[1].name_zh, rows[1].parent = "市中", city
    rows[2].name_zh = "槐荫"
    with CaptureQueriesContext(connection) as ctx:
        rows_update(Region, rows, ["name_zh", "parent"])

    # then each row holds what its object held, in one statement
    assert len(ctx.captured_queries) == 1
    assert list(
        Region.objects.filter(level="district").order_by("code").values_list("name_zh", "parent")
    ) == [("历下", None), ("市中", city.pk), ("槐荫", None)]
    assert Region.objects.get(code="370100").name_zh == "济南市"


def test_json_instants_small_integers_and_nulls_are_written_as_given():
    # given two queued requests
    key, _raw = open311_key()
    first, second = (
        IntakeRequest.objects.create(token=token, key=key, received_at=NOW, payload={})
        for token in ("t1", "t2")
    )

    # when one is marked failed with a JSON payload and the other cleared
    later = NOW + timedelta(minutes=1)
    rows_write(
        IntakeRequest,
        ["payload", "attempts", "error_status", "done_at", "state"],
        [
            ({"service_code": "010101", "text": 'a "q" \\ b'}, 3, 500, later, "failed", first.pk),
            ({}, 0, None, None, "queued", second.pk),
        ],
    )

    # then each row reads back as written
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.payload, first.attempts, first.error_status, first.done_at, first.state) == (
        {"service_code": "010101", "text": 'a "q" \\ b'},
        3,
        500,
        later,
        "failed",
    )
    assert (second.payload, second.attempts, second.error_status, second.done_at) == (
        {},
        0,
        None,
        None,
    )


def test_no_rows_no_statement():
    with CaptureQueriesContext(connection) as ctx:
        rows_update(Region, [], ["name_zh"])
    assert ctx.captured_queries == []


@pytest.mark.postgres
def test_reserved_ids_are_fresh_increasing_and_taken_by_the_insert():
    # given a district inserted the usual way
    before = _region("370102", "历下区")

    # when three ids are reserved and two rows inserted with them
    ids = ids_reserve(Region, 3)

    # then they are new, increasing, and the next ordinary insert comes after them
    assert ids is not None and len(ids) == 3
    assert ids == sorted(ids) and ids[0] > before.pk
    Region.objects.bulk_create(
        [
            Region(
                pk=ids[0], code="370103", name_zh="市中区", name_en="Shizhong", level="district"
            ),
            Region(pk=ids[1], code="370104", name_zh="槐荫区", name_en="Huaiyin", level="district"),
        ]
    )
    assert _region("370105", "天桥区").pk > ids[2]
    assert ids_reserve(Region, 0) == []


def test_sqlite_has_no_sequence_to_reserve_from():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's answer")
    assert ids_reserve(Region, 3) is None
