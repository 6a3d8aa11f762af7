"""Writes of the core app: the working-day calendar (a year's schedule and its days).

The admin (``core/admin.py``) edits the calendar through these functions: they
check the rules of a day (:func:`calendar_day_errors`, also shown by the
admin's forms next to each field), save, and record the edit
(:func:`calendar_edit_record`), which every edit requires.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from yiwang.core.audit import audit_record
from yiwang.core.calendar import calendar_changed
from yiwang.core.models import CalendarDay, CalendarYear
from yiwang.core.signals import calendar_edited
from yiwang.core.workingdays import is_weekend


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


def weekday_name(d: date | None) -> str:
    """The day of the week of ``d`` in words, or "" (the admin lists it beside each date)."""
    return str(WEEKDAYS[d.weekday()]) if d else ""


def calendar_day_errors(
    *, day: date | None, kind: str | None, year: int | None
) -> dict[str, ValidationError]:
    """What is wrong with a calendar day, by form field (empty when nothing is)."""
    errors: dict[str, ValidationError] = {}
    if day is None:
        return errors
    if year is not None and day.year != year:
        errors["date"] = ValidationError(
            _(
                "%(date)s is not in %(year)s. A day belongs to the calendar year of its date: "
                "enter it under %(date_year)s."
            ),
            code="other_year",
            params={"date": day.isoformat(), "year": year, "date_year": day.year},
        )
    elif kind == CalendarDay.Kind.HOLIDAY and is_weekend(day):
        errors["kind"] = ValidationError(
            _(
                "%(date)s is a %(weekday)s, a day off anyway. Enter only the holidays that "
                "fall on Monday to Friday; the weekend days of a holiday period need no row."
            ),
            code="holiday_on_weekend",
            params={"date": day.isoformat(), "weekday": weekday_name(day)},
        )
    elif kind == CalendarDay.Kind.WORKDAY and not is_weekend(day):
        errors["kind"] = ValidationError(
            _(
                "%(date)s is a %(weekday)s, a working day anyway. An adjusted working day "
                "(调休上班) is a Saturday or Sunday that the notice says is worked."
            ),
            code="workday_on_weekday",
            params={"date": day.isoformat(), "weekday": weekday_name(day)},
        )
    return errors


def _check_day(day: CalendarDay, year: int) -> None:
    errors = calendar_day_errors(day=day.date, kind=day.kind, year=year)
    if errors:
        raise ValidationError({field: [error] for field, error in errors.items()})
    day.full_clean(exclude=["calendar_year"])


@transaction.atomic
def calendar_year_save(
    *,
    calendar_year: CalendarYear,
    actor: Any,
    changed_fields: Iterable[str] = (),
    days_saved: Iterable[CalendarDay] = (),
    days_deleted: Iterable[CalendarDay] = (),
) -> CalendarYear:
    """Save a year's schedule with its days as an administrator entered them.

    Each day is checked (:func:`calendar_day_errors`); a year must keep at least one
    holiday. Recorded as ``calendar.year.add`` / ``calendar.year.change`` (which
    reloads every process's calendar and counts the deadlines through it again).
    """
    created = calendar_year.pk is None
    calendar_year.full_clean()
    calendar_year.save()
    saved, deleted = list(days_saved), list(days_deleted)
    for day in deleted:
        if day.pk is not None:
            day.delete()
    for day in saved:
        day.calendar_year = calendar_year
        _check_day(day, calendar_year.year)
        day.save()
    if not calendar_year.days.filter(kind=CalendarDay.Kind.HOLIDAY).exists():
        raise ValidationError(
            _(
                "Enter the year's holidays: a year without any is treated as having no "
                "schedule at all, and deadlines that reach it cannot be computed."
            ),
            code="no_holidays",
        )
    calendar_edit_record(
        actor=actor,
        action="calendar.year.add" if created else "calendar.year.change",
        target=calendar_year,
        years=[calendar_year],
        data={
            "year": calendar_year.year,
            "fields": sorted(changed_fields),
            "days_saved": [str(day.date) for day in saved],
            "days_deleted": [str(day.date) for day in deleted],
        },
    )
    return calendar_year


@transaction.atomic
def calendar_year_delete(*, calendar_year: CalendarYear, actor: Any) -> None:
    """Delete a year's schedule (its days go with it); recorded as ``calendar.year.delete``,
    before the rows go, so the entry names them (deadlines are counted again after commit)."""
    calendar_edit_record(
        actor=actor,
        action="calendar.year.delete",
        target=calendar_year,
        years=[calendar_year.year],
        data={"year": calendar_year.year},
    )
    calendar_year.delete()


@transaction.atomic
def calendar_day_save(*, day: CalendarDay, actor: Any, changed_fields: Iterable[str] = ()) -> None:
    """Save one day of a schedule (checked as in :func:`calendar_year_save`); recorded as
    ``calendar.day.add`` / ``calendar.day.change``, for its year and any year it left."""
    created = day.pk is None
    years: list[Model | int] = [day.calendar_year]
    if not created:
        previous = CalendarDay.objects.select_related("calendar_year").get(pk=day.pk)
        if previous.calendar_year_id != day.calendar_year_id:
            years.append(previous.calendar_year)
    _check_day(day, day.calendar_year.year)
    day.save()
    calendar_edit_record(
        actor=actor,
        action="calendar.day.add" if created else "calendar.day.change",
        target=day,
        years=years,
        data={"date": str(day.date), "kind": day.kind, "fields": sorted(changed_fields)},
    )


@transaction.atomic
def calendar_day_delete(*, day: CalendarDay, actor: Any) -> None:
    """Delete one day of a schedule; recorded as ``calendar.day.delete``."""
    calendar_edit_record(
        actor=actor,
        action="calendar.day.delete",
        target=day,
        years=[day.calendar_year],
        data={"date": str(day.date), "kind": day.kind},
    )
    day.delete()
