"""Workflow instances and their event logs, read-only: they change only through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yiwang.processes.models import WorkflowEventRecord, WorkflowInstance


class _ReadOnly(admin.ModelAdmin):
    actions = None

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class WorkflowEventInline(admin.TabularInline):
    model = WorkflowEventRecord
    fields = ["seq", "type", "at", "data"]
    readonly_fields = fields
    ordering = ["seq"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkflowInstance)
class WorkflowInstanceAdmin(_ReadOnly):
    list_display = ["id", "definition", "status", "version", "due_at", "updated_at"]
    list_filter = ["definition", "status"]
    date_hierarchy = "created_at"
    ordering = ["-id"]
    inlines = [WorkflowEventInline]


@admin.register(WorkflowEventRecord)
class WorkflowEventRecordAdmin(_ReadOnly):
    list_display = ["instance", "seq", "type", "at"]
    list_filter = ["type"]
    list_select_related = ["instance"]
    search_fields = ["=instance__id"]
    ordering = ["-instance_id", "seq"]
