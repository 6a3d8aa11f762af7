"""Bulk loading with PostgreSQL COPY, and ids reserved from each table's sequence per chunk."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection

from yiwang.demo.history.base import Sizes


def _columns(model: Any, names: Sequence[str]) -> list[str]:
    return [model._meta.get_field(n).column for n in names]


class Loader:
    """Rows buffered per table and written with one COPY each per chunk."""

    def __init__(self, sizes: Sizes) -> None:
        self.sizes = sizes
        self.rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self.columns: dict[str, list[str]] = {}

    def table(self, model: Any, names: Sequence[str]) -> Callable[..., None]:
        table = model._meta.db_table
        self.columns[table] = ["id", *_columns(model, names)]
        rows = self.rows[table]
        return lambda *values: rows.append(values)

    def flush(self) -> None:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table, rows in self.rows.items():
                if not rows:
                    continue
                cols = ", ".join(quote(c) for c in self.columns[table])
                with cursor.copy(f"COPY {quote(table)} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                self.sizes.add(table, len(rows))
                rows.clear()


def reserve_ids(model: Any, n: int) -> int:
    """The first of ``n`` consecutive ids taken from ``model``'s id sequence."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute(f"SELECT nextval('{sequence}')")
        first = int(cursor.fetchone()[0])
        if n > 1:
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + n - 1])
    return first


class Ids:
    """Hands out ids from a reserved block, reserving another when it runs out."""

    def __init__(self, model: Any, block: int) -> None:
        self.model, self.block, self.next, self.end = model, block, 0, 0

    def __call__(self) -> int:
        if self.next >= self.end:
            self.next = reserve_ids(self.model, self.block)
            self.end = self.next + self.block
        self.next += 1
        return self.next - 1
