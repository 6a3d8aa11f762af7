"""Core administration: the working-day calendar and the (read-only) audit log.

A calendar year is edited with its days inline. Only exceptions to the
Monday–Friday week are stored, so the forms reject a holiday on a Saturday or
Sunday and an adjusted working day on a weekday, and a day outside its year.
Every save or delete is recorded by ``services.calendar_edit_record``: all
processes reload the calendar, the audit log has the edit, and the open
cases whose deadlines count through the year are counted again.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from yiwang.core.audit import audit_status
from yiwang.core.models import AuditCheckpoint, AuditEntry, CalendarDay, CalendarYear
from yiwang.core.services import calendar_edit_record
from yiwang.core.workingdays import is_weekend


def _weekday(d: date | None) -> str:
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
            params={"date": day.isoformat(), "weekday": _weekday(day)},
        )
    elif kind == CalendarDay.Kind.WORKDAY and not is_weekend(day):
        errors["kind"] = ValidationError(
            _(
                "%(date)s is a %(weekday)s, a working day anyway. An adjusted working day "
                "(调休上班) is a Saturday or Sunday that the notice says is worked."
            ),
            code="workday_on_weekday",
            params={"date": day.isoformat(), "weekday": _weekday(day)},
        )
    return errors


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["calendar_year", "date", "kind", "name_zh", "name_en"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        calendar_year = cleaned.get("calendar_year")
        errors = calendar_day_errors(
            day=cleaned.get("date"),
            kind=cleaned.get("kind"),
            # Inline forms have no calendar_year field: the formset checks the year.
            year=calendar_year.year if isinstance(calendar_year, CalendarYear) else None,
        )
        for field, error in errors.items():
            self.add_error(field, error)
        return cleaned


class CalendarDayInlineFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        year = self.instance.year
        holidays = 0
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            day = form.cleaned_data.get("date")
            if year and day and day.year != year:
                form.add_error(
                    "date",
                    calendar_day_errors(day=day, kind=None, year=year)["date"],
                )
            if form.cleaned_data.get("kind") == CalendarDay.Kind.HOLIDAY:
                holidays += 1
        if not holidays:
            raise ValidationError(
                _(
                    "Enter the year's holidays: a year without any is treated as having no "
                    "schedule at all, and deadlines that reach it cannot be computed."
                ),
                code="no_holidays",
            )


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    form = CalendarDayForm
    formset = CalendarDayInlineFormSet
    fields = ["date", "weekday", "kind", "name_zh", "name_en"]
    readonly_fields = ["weekday"]
    ordering = ["date"]
    extra = 1

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        return _weekday(obj.date)


class ScheduleStateFilter(admin.SimpleListFilter):
    title = _("schedule")
    parameter_name = "schedule"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("complete", _("with holidays")),
            ("empty", _("without holidays (treated as missing)")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        has_holidays = Q(days__kind=CalendarDay.Kind.HOLIDAY)
        if self.value() == "complete":
            return queryset.filter(has_holidays).distinct()
        if self.value() == "empty":
            return queryset.exclude(has_holidays)
        return queryset


def _record_year_deleted(request: HttpRequest, calendar_year: CalendarYear) -> None:
    calendar_edit_record(
        actor=request.user,
        action="calendar.year.delete",
        target=calendar_year,
        years=[calendar_year.year],
        data={"year": calendar_year.year},
    )


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "holiday_count", "workday_count", "updated_at"]
    list_filter = [ScheduleStateFilter]
    search_fields = ["year", "source", "notes", "days__name_zh", "days__name_en"]
    readonly_fields = ["updated_at"]
    fields = ["year", "source", "notes", "updated_at"]
    inlines = [CalendarDayInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CalendarYear]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                holidays=Count("days", filter=Q(days__kind=CalendarDay.Kind.HOLIDAY)),
                workdays=Count("days", filter=Q(days__kind=CalendarDay.Kind.WORKDAY)),
            )
        )

    @admin.display(description=_("holidays (Mon–Fri)"), ordering="holidays")
    def holiday_count(self, obj: Any) -> int:
        return int(obj.holidays)

    @admin.display(description=_("adjusted working days"), ordering="workdays")
    def workday_count(self, obj: Any) -> int:
        return int(obj.workdays)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        calendar_year: CalendarYear = form.instance
        added: list[str] = []
        changed: list[str] = []
        deleted: list[str] = []
        for formset in formsets:
            added += [str(day.date) for day in getattr(formset, "new_objects", [])]
            changed += [str(day.date) for day, _f in getattr(formset, "changed_objects", [])]
            deleted += [str(day.date) for day in getattr(formset, "deleted_objects", [])]
        calendar_edit_record(
            actor=request.user,
            action="calendar.year.change" if change else "calendar.year.add",
            target=calendar_year,
            years=[calendar_year],
            data={
                "year": calendar_year.year,
                "fields": form.changed_data,
                "days_added": added,
                "days_changed": changed,
                "days_deleted": deleted,
            },
        )

    # Recorded before the rows go, while they still have their ids; the deadlines are
    # counted again only after the commit, when they are gone.
    def delete_model(self, request: HttpRequest, obj: CalendarYear) -> None:
        _record_year_deleted(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarYear]) -> None:
        for calendar_year in queryset:
            _record_year_deleted(request, calendar_year)
        super().delete_queryset(request, queryset)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    form = CalendarDayForm
    list_display = ["date", "weekday", "kind", "name_zh", "name_en", "calendar_year"]
    list_filter = ["kind", "calendar_year"]
    search_fields = ["name_zh", "name_en"]
    date_hierarchy = "date"
    list_select_related = ["calendar_year"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        return _weekday(obj.date)

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        previous_year = None
        if change and obj.pk:
            previous_year = CalendarDay.objects.get(pk=obj.pk).calendar_year
        super().save_model(request, obj, form, change)
        years = [obj.calendar_year]
        if previous_year is not None and previous_year.pk != obj.calendar_year_id:
            years.append(previous_year)
        calendar_edit_record(
            actor=request.user,
            action="calendar.day.change" if change else "calendar.day.add",
            target=obj,
            years=years,
            data={"date": str(obj.date), "kind": obj.kind, "fields": form.changed_data},
        )

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        self.delete_queryset(request, CalendarDay.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        for day in queryset.select_related("calendar_year"):
            calendar_edit_record(
                actor=request.user,
                action="calendar.day.delete",
                target=day,
                years=[day.calendar_year],
                data={"date": str(day.date), "kind": day.kind},
            )
        super().delete_queryset(request, queryset)


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Nobody adds, changes or deletes through the admin."""

    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(_ReadOnlyAdmin):
    """The audit log, read-only for everyone: it is written only by ``audit_record``.

    The list starts with how the log is doing (``audit_status``): the newest
    sealed seq, the entries waiting for the sequencer, the lag from an entry's
    creation to its sealing, and the newest signed checkpoint.
    """

    list_display = ["created_at", "seq", "actor_label", "action", "target_type", "target_label"]
    list_filter = ["action", "target_type", "created_at"]
    search_fields = ["actor_label", "action", "target_type", "target_id", "target_label"]
    date_hierarchy = "created_at"
    ordering = ["-id"]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {**(extra_context or {}), "audit_status": audit_status()}
        return super().changelist_view(request, extra_context=context)


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(_ReadOnlyAdmin):
    """The signed checkpoints of the audit chain (the scheduler issues them)."""

    list_display = ["seq", "issued_at", "key_id", "hash"]
    date_hierarchy = "issued_at"
    ordering = ["-seq"]
