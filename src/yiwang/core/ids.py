"""Reading an id or a count that a person or a client typed: the one rule.

``str.isdigit`` accepts more than ``0``–``9`` (Arabic-Indic ``٣``, full-width
``３``, superscript ``²``, which ``int()`` refuses), and a string of digits
can exceed what a database column holds (a query with it fails instead of
finding nothing). Every place that turns text into an id uses
:func:`parse_id`, so a strange value is simply "not an id".
"""

from __future__ import annotations

from typing import Any

#: The range of a 64-bit integer column (PostgreSQL ``bigint``): ids and counts beyond it
#: cannot be stored or looked up, so inputs are bounded by it.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1

_ASCII_DIGITS = frozenset("0123456789")


def parse_index(value: Any) -> int | None:
    """``value`` as a whole number 0 … ``INT_MAX`` (a row index, a count), or None.

    Accepts an int, or a string of ASCII digits only (no sign, no spaces, no
    underscores, no other scripts' digits).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value and set(value) <= _ASCII_DIGITS and len(value) <= 19:
        number = int(value)
    else:
        return None
    return number if 0 <= number <= INT_MAX else None


def parse_id(value: Any) -> int | None:
    """``value`` as a row id (1 … ``INT_MAX``), or None (see :func:`parse_index`)."""
    number = parse_index(value)
    return number if number else None
