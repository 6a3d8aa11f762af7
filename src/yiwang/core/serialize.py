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
