"""Turning Python values into what a JSONField stores and reads back unchanged."""

from __future__ import annotations

import json
import math
from typing import Any

#: From this magnitude on, a float is not always the integer its shortest text names
#: (``1e23`` is 99999999999999991611392): JSON written and read back may differ from it.
EXACT_FLOAT_LIMIT = 2.0**53


def json_safe(value: Any) -> Any:
    """``value`` as JSON would give it back: values JSON lacks (dates, UUIDs, Decimals…)
    become their ``str()``, tuples become lists, and the floats that would not come back
    as they went become text too (:func:`float_safe`).

    Store this rather than ``value`` when the stored form must equal the one read
    back later (audit hashes, webhook payloads, notification contexts).
    """
    return json.loads(json.dumps(_safe_floats(value), default=str))


def float_safe(value: float) -> float | str:
    """A float as JSON can carry it to any database and back unchanged: itself, or its
    ``str()`` when it cannot (NaN and the infinities, which JSON lacks, and every float of
    magnitude 2⁵³ or more, which PostgreSQL's jsonb keeps as the exact decimal its text
    names: ``1e23`` comes back as 10²³, another number than the float; :func:`canonical_json`
    would write the float's own integer, 99999999999999991611392, and a hash would differ)."""
    if not math.isfinite(value) or abs(value) >= EXACT_FLOAT_LIMIT:
        return str(value)
    return value


def _safe_floats(value: Any) -> Any:
    if isinstance(value, float):
        return float_safe(value)
    if isinstance(value, dict):
        return {key: _safe_floats(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_safe_floats(item) for item in value]
    return value


def canonical_json(value: Any) -> bytes:
    """The one byte form of a JSON value that yiwang hashes or signs.

    Keys sorted, no whitespace, UTF-8, no NaN or infinity; and a float with an
    integral value is written as the integer, because that is how a database
    may give it back (PostgreSQL's jsonb returns ``1e20`` as
    ``100000000000000000000``): the same content hashes the same before it is
    stored and after it is read back. Apply to what :func:`json_safe` gives: the floats for
    which that would not hold (2⁵³ and beyond, NaN, infinities) are text there.
    """
    return json.dumps(
        _integral_floats_as_ints(value),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    ).encode()


def _integral_floats_as_ints(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _integral_floats_as_ints(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_integral_floats_as_ints(item) for item in value]
    return value
