"""Writes of the core app: recording an edit of the working-day calendar.

The admin (``core/admin.py``) saves the ``CalendarYear``/``CalendarDay`` rows
through its forms, which enforce the calendar's rules; what every edit then
requires lives here, in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Model

from yiwang.core.audit import audit_record
from yiwang.core.calendar import calendar_changed
from yiwang.core.signals import calendar_edited


def calendar_edit_record(
    *,
    actor: Any,
    action: str,
    target: Model,
    years: Iterable[Model | int],
    data: Mapping[str, Any],
) -> list[int]:
    """Record an edit of the holiday calendar that touched ``years``; returns them, sorted.

    ``years`` are the ``CalendarYear`` rows (or bare year numbers, for a
    deleted row) whose schedule changed. In the caller's transaction: every
    process reloads the calendar (``calendar_changed`` touches the rows still
    there), the edit is appended to the audit log under ``action`` with
    ``data``, and ``calendar_edited`` is sent, so that the deadlines counted
    through those years are counted again (the cases app enqueues that job in
    the same transaction).
    """
    numbers: set[int] = set()
    with transaction.atomic():
        for year in years:
            if isinstance(year, Model):
                numbers.add(int(year.year))  # type: ignore[attr-defined]
                calendar_changed(year=year)
            else:
                numbers.add(year)
        calendar_changed()
        affected = sorted(numbers)
        audit_record(actor=actor, action=action, target=target, data={**data, "years": affected})
        calendar_edited.send(sender=calendar_edit_record, years=affected, actor=actor)
    return affected
