"""Case numbers: ``<region code>-<yyyymmdd>-<6-digit sequence>`` (e.g. ``370100-20261124-000123``).

The date is the local date (the city's zone, ``TIME_ZONE``) of the moment the
case is received; the sequence counts per region and day from 000001.
Numbers are unique and increase within a region and day; they are not
promised gap-free: a submission that rolls back after taking its number
leaves that number unused (docs/decisions/0007-case-numbers.md).

- **PostgreSQL**: one database sequence per region and day
  (``cases_number_<region>_<yyyymmdd>``), drawn with ``nextval`` by the SQL
  function ``yiwang_case_number_next`` (migration ``cases.0004``), which
  creates the day's sequence on its first use, starting after the highest
  number the day already has. ``nextval`` takes no lock that lasts past the
  call: concurrent submissions never wait for each other's commit.
- **SQLite** (one writer at a time anyway): the day's :class:`CaseNumberSequence`
  row counts, incremented by one upsert (``INSERT … ON CONFLICT … DO UPDATE …
  RETURNING``) under the database's write lock.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.db import connection
from django.utils import timezone

from yiwang.cases.models import CaseNumberSequence

CASE_NUMBER_RE = re.compile(r"^(?P<region>[1-9][0-9]{5})-(?P<day>[0-9]{8})-(?P<seq>[0-9]{6})$")
MAX_PER_DAY = 999_999


class SequenceExhausted(RuntimeError):
    """More than 999,999 cases in one region on one day."""


def format_case_number(region_code: str, day: date, sequence: int) -> str:
    """``370100``, 2026-11-24, 123 → ``370100-20261124-000123``."""
    return f"{region_code}-{day:%Y%m%d}-{sequence:06d}"


def case_number_next(*, region_code: str, at: datetime) -> str:
    """The next case number of ``region_code`` for the local day of ``at``.

    Call it inside the transaction that creates the case. One statement. On
    PostgreSQL no lock is held after it returns (a rollback leaves the number
    unused); on SQLite the day's row is written, so the transaction holds the
    database's write lock, as every SQLite write does, until it ends.
    """
    if not re.fullmatch(r"[1-9][0-9]{5}", region_code):
        raise ValueError(f"region code must be 6 digits, not {region_code!r}")
    day = timezone.localdate(at)
    if connection.vendor == "postgresql":
        sql = "SELECT yiwang_case_number_next(%s, %s)"
    else:
        table = connection.ops.quote_name(CaseNumberSequence._meta.db_table)
        sql = (
            f"INSERT INTO {table} (region_code, day, last) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (region_code, day) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [region_code, day])
        (value,) = cursor.fetchone()
    if value > MAX_PER_DAY:
        raise SequenceExhausted(f"{region_code} has used every number of {day}")
    return format_case_number(region_code, day, value)


def parse_case_number(number: str) -> tuple[str, str, int] | None:
    """``(region, yyyymmdd, sequence)`` of a well-formed number, else None."""
    match = CASE_NUMBER_RE.match(number)
    if match is None:
        return None
    return match["region"], match["day"], int(match["seq"])


def certificate_number_for(case_number: str) -> str:
    """A certificate number from the case number (until the certificates app issues them)."""
    return f"{case_number}-C"
