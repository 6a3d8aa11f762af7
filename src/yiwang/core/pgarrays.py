"""PostgreSQL arrays sent as text, without psycopg's slow escaping of their elements.

Django's ``bulk_create`` on PostgreSQL sends each column of the batch as one array
parameter (``INSERT … SELECT * FROM UNNEST(%s::type[], …)``), which psycopg writes in
the text format of arrays (its ``ListDumper``). That dumper escapes the double quotes
and backslashes of each element with ``re.sub`` and a template (``rb"\\\\\\1"``), which
Python 3.11 expands in Python for every match: about 30 µs for one JSON value of an
audit entry, and a batch intake's event writes some twenty JSON values (the audit
entries', the history's, the notifications' and their tasks'), two milliseconds of CPU
per event, more than the rest of the insert.

:class:`ArrayTextDumper` writes the very same bytes with ``bytes.replace``;
:func:`register` makes it the dumper of Python lists on one connection (the project
connects it to ``connection_created``, ``CoreConfig.ready``). Nothing else changes:
the format, the types sent and what PostgreSQL receives are psycopg's own
(``tests/core/test_pgarrays.py`` compares the two dumpers' output).

It subclasses a psycopg class and uses a private helper of it
(``_get_needs_quotes_regexp``), as psycopg 3.3 has them (pinned in constraints.txt): an
upgrade that changes them fails that test, or the import. Python 3.12 expands such
templates two to three times faster: measure again before dropping this class there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from psycopg.abc import Buffer
from psycopg.types.array import ListDumper, _get_needs_quotes_regexp


class ArrayTextDumper(ListDumper):
    """psycopg's text ``ListDumper`` with its elements escaped by ``bytes.replace``."""

    def dump(self, obj: list[Any]) -> Buffer | None:
        tokens: list[Buffer] = []
        needs_quotes = _get_needs_quotes_regexp(self.delimiter).search
        self._dump_list(obj, tokens, needs_quotes)
        return b"".join(tokens)

    def _dump_list(
        self,
        obj: list[Any],
        tokens: list[Buffer],
        needs_quotes: Callable[[Buffer], object],
    ) -> None:
        if not obj:
            tokens.append(b"{}")
            return
        dump = self.sub_dumper.dump if self.sub_dumper else self._dump_item
        delimiter = self.delimiter
        tokens.append(b"{")
        for item in obj:
            if item is None:
                tokens.append(b"NULL")
            elif isinstance(item, list):
                self._dump_list(item, tokens, needs_quotes)
            elif (ad := dump(item)) is None:
                tokens.append(b"NULL")
            else:
                if needs_quotes(ad):
                    escaped = bytes(ad).replace(b"\\", b"\\\\").replace(b'"', b'\\"')
                    ad = b'"' + escaped + b'"'
                tokens.append(ad)
            tokens.append(delimiter)
        tokens[-1] = b"}"


def register(connection: Any) -> None:
    """Dump Python lists with :class:`ArrayTextDumper` on this psycopg connection."""
    connection.adapters.register_dumper(list, ArrayTextDumper)


def on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: a PostgreSQL connection gets the faster dumper."""
    if connection.vendor == "postgresql":
        register(connection.connection)
