"""Core administration: the working-day calendar and the (read-only) audit log.

A calendar year is edited with its days inline. Only exceptions to the
Monday–Friday week are stored, so the forms reject a holiday on a Saturday or
Sunday and an adjusted working day on a weekday, a day outside its year, and
an edit that leaves a year without a holiday (the rules are the services';
the forms ask them).
Every save or delete is recorded by ``services.calendar_edit_record``: all
processes reload the calendar, the audit log has the edit, and the open
cases whose deadlines count through the year are counted again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from yiwang.core.audit import audit_status
from yiwang.core.models import AuditCheckpoint, AuditEntry, CalendarDay, CalendarYear
from yiwang.core.services import (
    calendar_day_delete,
    calendar_day_errors,
    calendar_day_save,
    calendar_day_save_errors,
    calendar_days_delete_error,
    calendar_holidays_error,
    calendar_year_delete,
    calendar_year_save,
    weekday_name,
)


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["calendar_year", "date", "kind", "name_zh", "name_en"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        calendar_year = cleaned.get("calendar_year")
        if not isinstance(calendar_year, CalendarYear):
            # An inline form (no calendar_year field): the formset checks the year and its
            # holidays, this the day itself.
            errors = calendar_day_errors(
                day=cleaned.get("date"), kind=cleaned.get("kind"), year=None
            )
        elif cleaned.get("date") and cleaned.get("kind"):
            # The day's own page: all that calendar_day_save would refuse.
            day = CalendarDay(
                pk=self.instance.pk,
                calendar_year=calendar_year,
                date=cleaned["date"],
                kind=cleaned["kind"],
            )
            errors = calendar_day_save_errors(day=day)
        else:
            errors = {}
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
        error = calendar_holidays_error(year=year, holidays=holidays)
        if error is not None:
            raise error


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
        return weekday_name(obj.date)


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

    # The year and its days are saved together, through the calendar service, once the
    # inline forms are valid: save_model defers to save_related.
    def save_model(self, request: HttpRequest, obj: CalendarYear, form: Any, change: bool) -> None:
        pass

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        saved: list[CalendarDay] = []
        deleted: list[CalendarDay] = []
        for formset in formsets:
            saved += formset.save(commit=False)
            deleted += formset.deleted_objects
        calendar_year_save(
            calendar_year=form.instance,
            actor=request.user,
            changed_fields=form.changed_data,
            days_saved=saved,
            days_deleted=deleted,
        )

    def delete_model(self, request: HttpRequest, obj: CalendarYear) -> None:
        calendar_year_delete(calendar_year=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarYear]) -> None:
        for calendar_year in queryset:
            calendar_year_delete(calendar_year=calendar_year, actor=request.user)


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
        return weekday_name(obj.date)

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        calendar_day_save(day=obj, actor=request.user, changed_fields=form.changed_data)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        # The year's last holiday is not deleted (calendar_day_delete would refuse): the
        # confirmation page lists why instead of a button, for one day or a selection.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        days = objs.select_related("calendar_year") if isinstance(objs, QuerySet) else objs
        error = calendar_days_delete_error(days=days)
        if error is not None:
            protected = [*protected, *error.messages]
        return deleted, counts, perms_needed, protected

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        calendar_day_delete(day=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        for day in queryset.select_related("calendar_year"):
            calendar_day_delete(day=day, actor=request.user)


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Nobody adds, changes or deletes through the admin."""

    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyModelAdmin):
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
class AuditCheckpointAdmin(ReadOnlyModelAdmin):
    """The signed checkpoints of the audit chain (the scheduler issues them)."""

    list_display = ["seq", "issued_at", "key_id", "hash"]
    date_hierarchy = "issued_at"
    ordering = ["-seq"]
