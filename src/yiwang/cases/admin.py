"""Read-only admin views of applications and cases: every change goes through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yiwang.cases.models import (
    Application,
    Case,
    CaseDecision,
    CaseMaterial,
    CaseTimelineEntry,
    Rating,
    RectificationTask,
    SupplementRequest,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TimelineInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CaseTimelineEntry
    extra = 0
    fields = ("at", "kind", "department", "detail", "public")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "service_version", "department", "step", "received_at", "due_at")
    list_filter = ("step", "department")
    search_fields = ("number",)
    list_select_related = ("service_version", "department")
    inlines = [TimelineInline]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("id", "applicant", "service_version", "status", "updated_at")
    list_filter = ("status",)
    list_select_related = ("applicant", "service_version")


@admin.register(CaseMaterial)
class CaseMaterialAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "application", "content_type", "size", "superseded")
    exclude = ("file",)  # files are opened through the workbench, which records the view


admin.site.register(SupplementRequest, ReadOnlyAdmin)
admin.site.register(CaseDecision, ReadOnlyAdmin)
admin.site.register(Rating, ReadOnlyAdmin)
admin.site.register(RectificationTask, ReadOnlyAdmin)
