"""Aggregates Django 5.2 lacks on every database the project runs on."""

from __future__ import annotations

from typing import Any

from django.db.models import Aggregate, CharField


class CommaJoined(Aggregate):
    """The values of a text column joined with commas, in no particular order:
    ``GROUP_CONCAT`` on SQLite, ``STRING_AGG(…, ',')`` on PostgreSQL (Django 6 ships a
    portable ``StringAgg``; replace this with it then). For values without commas (codes,
    ids), read back with ``split(",")``."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(distinct)s%(expressions)s)"
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(distinct)s%(expressions)s, ',')",
            **extra,
        )
