"""Case numbers: ``<region code>-<yyyymmdd>-<6-digit sequence>`` (e.g. ``370100-20261124-000123``).

The date is the local date (the city's zone, ``TIME_ZONE``) of the moment the
case is received; the sequence counts per region and day from 000001. The
day's :class:`CaseNumberSequence` row is taken with ``SELECT … FOR UPDATE``,
so concurrent submissions on PostgreSQL queue on that row and never share or
skip a number within a committed transaction; on SQLite the write lock of
the ``IMMEDIATE`` transaction gives the same guarantee.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import F
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

    Must run inside the transaction that creates the case (the sequence row
    stays locked until it commits, and a rollback gives the number back).
    """
    if not re.fullmatch(r"[1-9][0-9]{5}", region_code):
        raise ValueError(f"region code must be 6 digits, not {region_code!r}")
    day = timezone.localdate(at)
    with transaction.atomic():
        row = _locked_row(region_code, day)
        if row.last >= MAX_PER_DAY:
            raise SequenceExhausted(f"{region_code} has used every number of {day}")
        CaseNumberSequence.objects.filter(pk=row.pk).update(last=F("last") + 1)
        row.refresh_from_db(fields=["last"])
    return format_case_number(region_code, day, row.last)


def _locked_row(region_code: str, day: date) -> CaseNumberSequence:
    qs = CaseNumberSequence.objects.select_for_update()
    row = qs.filter(region_code=region_code, day=day).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():  # savepoint: a concurrent insert of the same day may win
            CaseNumberSequence.objects.create(region_code=region_code, day=day, last=0)
    except IntegrityError:
        pass
    return qs.get(region_code=region_code, day=day)


def parse_case_number(number: str) -> tuple[str, str, int] | None:
    """``(region, yyyymmdd, sequence)`` of a well-formed number, else None."""
    match = CASE_NUMBER_RE.match(number)
    if match is None:
        return None
    return match["region"], match["day"], int(match["seq"])


def certificate_number_for(case_number: str) -> str:
    """A certificate number from the case number (until the certificates app issues them)."""
    return f"{case_number}-C"
