"""What GeoReport v2 clients send, parsed; anything unreadable is an :class:`Open311Error` 400."""

from __future__ import annotations

import math
import re
from datetime import datetime, time
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from yiwang.events.open311.formats import Open311Error

_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,100})\](\[\])?$")


def optional(data: QueryDict, name: str) -> str:
    """The parameter stripped; an empty one is the same as none (the specification's rule)."""
    return (data.get(name) or "").strip()


def w3_datetime(data: QueryDict, name: str) -> datetime | None:
    """An ISO 8601 date-time (W3C profile: ``2010-01-01T00:00:00Z`` or with an offset).

    A value without an offset is read in the city's zone; a date alone is its
    midnight there. Anything else is a 400 naming the parameter.
    """
    raw = optional(data, name)
    if not raw:
        return None
    try:
        parsed = parse_datetime(raw.replace(" ", "+", 1) if " " in raw else raw)
        if parsed is None:
            day = parse_date(raw)
            if day is not None:
                parsed = datetime.combine(day, time.min)
    except ValueError:
        parsed = None
    if parsed is None:
        raise Open311Error(
            400,
            _("%(name)s is not a W3C date-time such as 2026-03-01T00:00:00+08:00.")
            % {"name": name},
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


def coordinate(data: QueryDict, name: str, limit: float) -> float | None:
    """A WGS-84 latitude (``limit`` 90) or longitude (180) in decimal degrees, or None."""
    raw = optional(data, name)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise Open311Error(
            400,
            _("%(name)s must be a number of degrees between -%(limit)s and %(limit)s.")
            % {"name": name, "limit": int(limit)},
        )
    return value


def csv_values(data: QueryDict, name: str) -> list[str]:
    """A comma-delimited parameter, also when declared several times; empties dropped."""
    values: list[str] = []
    for raw in data.getlist(name):
        values += [v.strip() for v in raw.split(",") if v.strip()]
    return values


def positive_int(data: QueryDict, name: str, *, default: int, maximum: int) -> int:
    raw = optional(data, name)
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1 or int(raw) > maximum:
        raise Open311Error(
            400,
            _("%(name)s must be a whole number from 1 to %(maximum)s.")
            % {"name": name, "maximum": maximum},
        )
    return int(raw)


def attributes(data: QueryDict) -> dict[str, Any]:
    """``attribute[code]=value`` pairs; ``attribute[code][]`` repeated for a multivaluelist."""
    found: dict[str, Any] = {}
    for key in data:
        match = _ATTRIBUTE.match(key)
        if not match:
            continue
        code, many = match.group(1), match.group(2)
        values = [v.strip() for v in data.getlist(key) if v.strip()]
        if many:
            found[code] = values
        elif values:
            found[code] = values[-1]
    return found
