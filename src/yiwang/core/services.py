"""Writes of the core app: the working-day calendar (a year's schedule and its days).

The admin (``core/admin.py``) edits the calendar through these functions: they
check the rules of a day (:func:`calendar_day_errors`) and that every year
keeps a holiday (:func:`calendar_holidays_error`) — the admin's forms show
both, with these same functions, next to each field — save, and record the
edit (:func:`calendar_edit_record`), which every edit requires.
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


def calendar_holidays_error(
    *, year: int, holidays: int, leaving: Iterable[date] = ()
) -> ValidationError | None:
    """The one home of the rule that a year's schedule keeps at least one holiday: a year
    without any is treated as having no schedule at all (its deadlines are counted
    provisionally, on the statutory holidays). ``holidays``: how many ``year`` would keep
    after the edit; ``leaving``: the holidays whose deletion or change would leave it none
    (named in the message). The services check the rows; the admin's forms, what they would
    save, with this same function."""
    if holidays > 0:
        return None
    gone = sorted(leaving)
    if gone:
        return ValidationError(
            _(
                "%(dates)s: %(year)s would have no holiday left. A year without any is "
                "treated as having no schedule at all: enter its other holidays first, or "
                "delete the year."
            ),
            code="last_holiday",
            params={"dates": ", ".join(d.isoformat() for d in gone), "year": year},
        )
    return ValidationError(
        _(
            "Enter the year's holidays: a year without any is treated as having no "
            "schedule at all, and deadlines that reach it cannot be computed."
        ),
        code="no_holidays",
    )


def _holidays_kept(calendar_year: CalendarYear, *, without: Iterable[int] = ()) -> int:
    """The holidays of ``calendar_year`` in the database, not counting the days ``without``."""
    rows = calendar_year.days.filter(kind=CalendarDay.Kind.HOLIDAY).exclude(pk__in=list(without))
    return rows.count()


def calendar_day_save_errors(*, day: CalendarDay) -> dict[str, ValidationError]:
    """Everything :func:`calendar_day_save` would refuse for ``day`` as changed (not saved
    yet), by form field: the rules of a day (:func:`calendar_day_errors`), and that no year
    is left without a holiday (:func:`calendar_holidays_error`: the one the day leaves, or
    stops being a holiday of). Reads the day's stored row. The admin's day form shows them."""
    errors = calendar_day_errors(day=day.date, kind=day.kind, year=day.calendar_year.year)
    if errors or day.pk is None:
        return errors
    previous = CalendarDay.objects.select_related("calendar_year").filter(pk=day.pk).first()
    if previous is None or previous.kind != CalendarDay.Kind.HOLIDAY:
        return errors
    stays = (
        day.kind == CalendarDay.Kind.HOLIDAY and day.calendar_year_id == previous.calendar_year_id
    )
    if not stays:
        error = calendar_holidays_error(
            year=previous.calendar_year.year,
            holidays=_holidays_kept(previous.calendar_year, without=[day.pk]),
            leaving=[previous.date],
        )
        if error is not None:
            errors["kind"] = error
    return errors


def calendar_days_delete_error(*, days: Iterable[CalendarDay]) -> ValidationError | None:
    """Why deleting ``days`` together is refused, or None: it would leave a year without a
    holiday (:func:`calendar_holidays_error`). For :func:`calendar_day_delete` and the
    admin's delete pages (one day or a selection)."""
    by_year: dict[int, list[CalendarDay]] = {}
    for day in days:
        if day.pk is not None and day.kind == CalendarDay.Kind.HOLIDAY:
            by_year.setdefault(day.calendar_year_id, []).append(day)
    for year_days in by_year.values():
        calendar_year = year_days[0].calendar_year
        error = calendar_holidays_error(
            year=calendar_year.year,
            holidays=_holidays_kept(calendar_year, without=[d.pk for d in year_days]),
            leaving=[d.date for d in year_days],
        )
        if error is not None:
            return error
    return None


def _check_day(day: CalendarDay, year: int) -> None:
    errors = calendar_day_errors(day=day.date, kind=day.kind, year=year)
    if errors:
        raise ValidationError({field: [error] for field, error in errors.items()})
    day.full_clean(exclude=["calendar_year"])


def _require_holidays(calendar_year: CalendarYear) -> None:
    error = calendar_holidays_error(year=calendar_year.year, holidays=_holidays_kept(calendar_year))
    if error is not None:
        raise error


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
    holiday (:func:`calendar_holidays_error`). A new year number must fit every day the
    schedule keeps (a day outside its year would make the calendar fail to load): refused
    otherwise (``ValidationError`` on ``year``). Recorded as ``calendar.year.add`` /
    ``calendar.year.change`` (which reloads every process's calendar and counts the
    deadlines through it again: through the year it was before a renumbering too).
    """
    created = calendar_year.pk is None
    previous_year = (
        None
        if created
        else CalendarYear.objects.filter(pk=calendar_year.pk).values_list("year", flat=True).first()
    )
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
    outside = sorted(
        calendar_year.days.exclude(date__year=calendar_year.year).values_list("date", flat=True)
    )
    if outside:
        raise ValidationError(
            {
                "year": [
                    ValidationError(
                        _(
                            "The schedule keeps days of another year (%(dates)s): a day "
                            "belongs to the calendar year of its date. Delete them or enter "
                            "them under their own year before changing the year to %(year)s."
                        ),
                        code="days_outside_year",
                        params={
                            "dates": ", ".join(d.isoformat() for d in outside),
                            "year": calendar_year.year,
                        },
                    )
                ]
            }
        )
    _require_holidays(calendar_year)
    years: list[Model | int] = [calendar_year]
    if previous_year is not None and previous_year != calendar_year.year:
        years.append(previous_year)
    calendar_edit_record(
        actor=actor,
        action="calendar.year.add" if created else "calendar.year.change",
        target=calendar_year,
        years=years,
        data={
            "year": calendar_year.year,
            "previous_year": previous_year,
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
    """Save one day of a schedule, checked by :func:`calendar_day_save_errors` (the rules of
    a day; no year left without a holiday; ``ValidationError`` by field); recorded as
    ``calendar.day.add`` / ``calendar.day.change``, for its year and any year it left."""
    created = day.pk is None
    years: list[Model | int] = [day.calendar_year]
    if not created:
        previous = CalendarDay.objects.select_related("calendar_year").get(pk=day.pk)
        if previous.calendar_year_id != day.calendar_year_id:
            years.append(previous.calendar_year)
    errors = calendar_day_save_errors(day=day)
    if errors:
        raise ValidationError({field: [error] for field, error in errors.items()})
    day.full_clean(exclude=["calendar_year"])
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
    """Delete one day of a schedule, unless it is its year's last holiday
    (:func:`calendar_days_delete_error`, ``ValidationError``); recorded as
    ``calendar.day.delete``."""
    error = calendar_days_delete_error(days=[day])
    if error is not None:
        raise error
    calendar_edit_record(
        actor=actor,
        action="calendar.day.delete",
        target=day,
        years=[day.calendar_year],
        data={"date": str(day.date), "kind": day.kind},
    )
    day.delete()
