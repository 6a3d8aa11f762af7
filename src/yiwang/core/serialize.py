"""Turning Python values into what a JSONField stores and reads back unchanged."""

from __future__ import annotations

import json
from typing import Any


def json_safe(value: Any) -> Any:
    """``value`` as JSON would give it back: values JSON lacks (dates, UUIDs, Decimals…)
    become their ``str()``, tuples become lists.

    Store this rather than ``value`` when the stored form must equal the one read
    back later (audit hashes, webhook payloads, notification contexts).
    """
    return json.loads(json.dumps(value, default=str))


def canonical_json(value: Any) -> bytes:
    """The one byte form of a JSON value that yiwang hashes or signs.

    Keys sorted, no whitespace, UTF-8, no NaN or infinity; and a float with an
    integral value is written as the integer, because that is how a database
    may give it back (PostgreSQL's jsonb returns ``1e20`` as
    ``100000000000000000000``): the same content hashes the same before it is
    stored and after it is read back. Apply to what :func:`json_safe` gives.
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
