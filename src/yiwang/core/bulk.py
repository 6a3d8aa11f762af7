"""Writing the rows of a batch: ids taken before the insert, and updates without CASE.

Django's ``bulk_update`` writes one UPDATE whose every column is a ``CASE WHEN id = …
THEN …`` over the whole batch: building it cost the worker 0.2–0.26 ms of CPU per row
and field (a ``When`` resolved for each; 100 Open311 queue rows of 6 fields: 120–160 ms,
against 2 ms for :func:`rows_update` on PostgreSQL), and PostgreSQL evaluates it for
each row. A batch
intake that only needs each row's new values uses :func:`rows_update` instead; one that
must know its rows' ids to fill a column of the same rows (an event's number) takes them
first with :func:`ids_reserve`, so the rows are written once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.db import connections, models, router


def ids_reserve(model: type[models.Model], count: int) -> list[int] | None:
    """``count`` fresh ids of ``model``'s table, increasing, for rows inserted with them:
    taken from the table's sequence on PostgreSQL (one statement; an id taken and not
    used is a gap, as a rolled-back insert leaves). None on a database without sequences
    (SQLite): there the rows take their ids when inserted."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return None
    if count <= 0:
        return []
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(meta.db_table), meta.pk.column, count],
        )
        ids = [row[0] for row in cursor.fetchall()]
    # A key without a sequence (not an auto field) gives none.
    assert None not in ids, f"{meta.db_table}.{meta.pk.column} has no sequence"
    return sorted(ids)


def rows_update(model: type[models.Model], objs: Sequence[models.Model], fields: list[str]) -> None:
    """Write ``fields`` of each of ``objs`` (saved rows of ``model``, each once) as the
    objects hold them, as ``bulk_update`` would, in one statement
    (:func:`rows_write`). No signal, no ``auto_now``; call inside the caller's
    transaction."""
    meta = model._meta
    attnames = [meta.get_field(name).attname for name in fields]  # type: ignore[union-attr]
    rows_write(model, fields, [(*(getattr(obj, a) for a in attnames), obj.pk) for obj in objs])


def rows_write(model: type[models.Model], fields: list[str], rows: Sequence[Sequence[Any]]) -> None:
    """Set ``fields`` of rows of ``model``: each of ``rows`` is the fields' new values, in
    the order of ``fields``, then the row's id (each id once). One statement: on
    PostgreSQL ``UPDATE … FROM UNNEST(%s::type[], …)``, one array per column, as
    Django's ``bulk_create`` inserts (one plan for the batch); elsewhere one prepared
    ``UPDATE … WHERE id = %s`` executed for every row. No signal, no ``auto_now``; call
    inside the caller's transaction."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    columns = [cast(models.Field[Any, Any], meta.get_field(name)) for name in fields]
    # Columns of this model's own table (no parent of a multi-table model), never its key.
    assert all(f.concrete and f.model is model and not f.primary_key for f in columns), fields
    prepared = [
        [
            *(f.get_db_prep_save(v, connection) for f, v in zip(columns, row[:-1], strict=True)),
            row[-1],
        ]
        for row in rows
    ]
    quote = connection.ops.quote_name
    table, key = quote(meta.db_table), quote(str(pk.column))
    names = [quote(str(f.column)) for f in columns]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = [str(f.db_type(connection)) for f in [*columns, pk]]
            # An array column would be flattened by UNNEST (Django's bulk_create falls back
            # there too): none is written this way.
            assert not any(t.endswith("]") for t in types), types
            arrays = ", ".join(f"%s::{db_type}[]" for db_type in types)
            cursor.execute(
                f"UPDATE {table} SET "  # noqa: S608 - names from the model
                + ", ".join(f"{n} = v.{n}" for n in names)
                + f" FROM UNNEST({arrays}) AS v({', '.join([*names, key])})"
                + f" WHERE {table}.{key} = v.{key}",
                [list(column) for column in zip(*prepared, strict=True)],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET "  # noqa: S608 - names from the model
                + ", ".join(f"{n} = %s" for n in names)
                + f" WHERE {key} = %s",
                prepared,
            )
