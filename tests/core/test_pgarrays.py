"""The faster text array dumper writes exactly what psycopg's own writes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st
from psycopg import adapt
from psycopg.adapt import PyFormat
from psycopg.types.array import ListDumper
from psycopg.types.json import Jsonb

from yiwang.core.pgarrays import ArrayTextDumper


def _dumped(cls: type[ListDumper], value: list[Any]) -> bytes:
    dumper = cls(list, adapt.Transformer()).upgrade(value, PyFormat.TEXT)
    return bytes(dumper.dump(value) or b"")


AUDIT_DATA = {
    "to": {"status": "dispatched", "version": 1},
    "text": 'a "quoted" \\ back\\slash, {braces}',
    "events": ["transitioned"],
}

EXAMPLES: list[list[Any]] = [
    [],
    [None],
    ["", "NULL", "null", "plain", "with space", 'quote "q"', "back\\slash", "{x}", "a,b"],
    ["压测：路面井盖缺失（3-1）", "\u3000full-width space", "\u2028line"],
    [Jsonb(AUDIT_DATA), None, Jsonb({}), Jsonb(["a", 'b"c'])],
    [1, 2, None, 3],
    [datetime(2026, 12, 1, 6, 13, 57, 590811, tzinfo=UTC), None],
    [["a", 'b"'], ["c\\", None]],
]


@pytest.mark.parametrize("value", EXAMPLES)
def test_the_same_bytes_as_psycopg_for_the_values_a_batch_insert_sends(value):
    assert _dumped(ArrayTextDumper, value) == _dumped(ListDumper, value)


def test_a_json_value_is_quoted_and_its_quotes_and_backslashes_escaped():
    # given a JSON value with a quote and a backslash inside a string
    value = [Jsonb({"t": 'a"b\\c'})]

    # then the element is quoted, each " and \ of its text preceded by a backslash
    text = json.dumps({"t": 'a"b\\c'}).encode()
    escaped = text.replace(b"\\", b"\\\\").replace(b'"', b'\\"')
    assert _dumped(ArrayTextDumper, value) == b'{"' + escaped + b'"}'


#: Text PostgreSQL takes: no NUL, and no lone surrogate (UTF-8 cannot encode it).
_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=20)


@given(st.lists(st.one_of(st.none(), _TEXT), max_size=8))
def test_the_same_bytes_as_psycopg_for_any_list_of_strings(value):
    assert _dumped(ArrayTextDumper, value) == _dumped(ListDumper, value)


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_postgresql_connection_dumps_lists_with_it_and_reads_them_back():
    connection.ensure_connection()
    adapters = connection.connection.adapters
    assert adapters.get_dumper(list, PyFormat.AUTO) is ArrayTextDumper

    values = ["", 'q"', "b\\", "NULL", None, "空 格"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::text[]", [values])
        assert cursor.fetchone()[0] == values
