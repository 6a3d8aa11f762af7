"""Input that no endpoint can take as sent, found before any schema or service sees it.

One home for the rules, used at the edge (``yiwang.api.edge``, on every
request) and again in the schema layer (``StrictParser``, the parser of the
NinjaAPI): a request that breaks one is answered 400 with the field named
(``BadInput``), never passed on to become a database error (PostgreSQL
refuses a NUL character in text) or a crash deep in a service.

- text (path, query and form values, header and cookie values, JSON strings
  and keys) must not hold a NUL character (U+0000) or a lone surrogate
  (``"\\ud800"`` is valid JSON but not Unicode text);
- a JSON body is UTF-8, strict JSON: no ``NaN``/``Infinity``, no number that
  overflows (``1e999``), no integer outside the signed 64-bit range (what a
  database column holds), at most ``MAX_JSON_DEPTH`` levels of nesting.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja.parser import Parser

from yiwang.core.apitypes import INT_MAX, INT_MIN  # the range of a 64-bit column

#: Deepest nesting of arrays and objects a JSON body may have.
MAX_JSON_DEPTH = 32


class BadInput(Exception):
    """The request cannot be taken as sent (HTTP 400); ``field`` says where."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def text_problem(value: str) -> str | None:
    """Why ``value`` is not text the platform can store, or None when it is."""
    if "\x00" in value:
        return _("Contains a NUL character (U+0000), which is not allowed.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("Contains a lone surrogate: this is not valid Unicode text.")
    return None


def check_text(value: str, *, field: str) -> None:
    """Raise BadInput naming ``field`` when ``value`` is not storable text."""
    problem = text_problem(value)
    if problem is not None:
        raise BadInput(problem, field=field)


def check_pairs(pairs: Iterable[tuple[str, Any]]) -> None:
    """Check the names and text values of query, form, header or cookie pairs (each is
    named by its own name)."""
    for name, value in pairs:
        check_text(name, field=name)
        if isinstance(value, str):
            check_text(value, field=name)


class _Unusable:
    """A JSON number the platform cannot hold; reported with its path after parsing."""

    def __init__(self, literal: str) -> None:
        self.literal = literal


def _parse_float(literal: str) -> float | _Unusable:
    value = float(literal)
    return value if math.isfinite(value) else _Unusable(literal)


def _parse_int(literal: str) -> int | _Unusable:
    value = int(literal)
    return value if INT_MIN <= value <= INT_MAX else _Unusable(literal)


def load_json(body: bytes) -> Any:
    """The JSON document in ``body``, checked by the rules above; BadInput when it breaks one."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(_("The body is not UTF-8 text."), field="body") from None
    try:
        data = json.loads(
            text, parse_constant=_Unusable, parse_float=_parse_float, parse_int=_parse_int
        )
    except RecursionError:
        raise BadInput(_("The body is nested too deeply."), field="body") from None
    except ValueError as exc:
        raise BadInput(
            _("The body is not valid JSON: %(error)s.") % {"error": exc}, field="body"
        ) from None
    check_json(data)
    return data


def check_json(value: Any, path: str = "", depth: int = 0) -> None:
    """Walk a parsed JSON value; BadInput at the first value that breaks a rule."""
    field = path or "body"
    if depth >= MAX_JSON_DEPTH:  # the document itself is level 1
        raise BadInput(
            _("Nested more than %(n)d levels deep.") % {"n": MAX_JSON_DEPTH}, field=field
        )
    if isinstance(value, _Unusable):
        raise BadInput(
            _("%(number)s is not a number the platform can hold.") % {"number": value.literal},
            field=field,
        )
    if isinstance(value, str):
        check_text(value, field=field)
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else key
            check_text(key, field=inner)
            check_json(item, inner, depth + 1)
    elif isinstance(value, list):
        for n, item in enumerate(value):
            check_json(item, f"{path}.{n}" if path else str(n), depth + 1)


class StrictParser(Parser):
    """The NinjaAPI's parser: the edge's rules again, so the schema layer never gets such input.

    (A body error here becomes ninja's 400 "Cannot parse request body"; the
    edge middleware has normally answered first, naming the field.)
    """

    def parse_body(self, request: HttpRequest) -> Any:
        return load_json(request.body)

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        check_pairs((key, value) for key, values in data.lists() for value in values)
        return super().parse_querydict(data, list_fields, request)
