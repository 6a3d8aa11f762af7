"""Administration of IoT alarms: devices, dead letters (with reprocessing) and receipts.

Devices are reference data, registered here with their category and owner
department. Dead letters and receipts are written only by the subscriber's
services (``services.iot``): they are read-only here, and a dead letter is
taken again with the "reprocess" action once what made it fail is fixed
(typically: its device registered), through ``dead_letter_reprocess``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from yiwang.core.admin import ReadOnlyModelAdmin
from yiwang.core.errors import DomainError
from yiwang.events.models import AlarmReceipt, DeadLetter, Device
from yiwang.events.services.iot import dead_letter_reprocess


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "category",
        "department",
        "address",
        "alarm_window_minutes",
        "is_active",
    )
    list_filter = ("is_active", "category", "department")
    search_fields = ("code", "name", "address")
    autocomplete_fields = ("category",)
    list_select_related = ("category", "department")
    fieldsets = (
        (None, {"fields": ("code", "name", "is_active")}),
        (_("Alarms become events of"), {"fields": ("category", "department")}),
        (_("Place (WGS-84)"), {"fields": ("latitude", "longitude", "address")}),
        (None, {"fields": ("alarm_window_minutes",)}),
    )


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):
    """Messages that could not become events, never dropped: why, and what was received."""

    list_display = ("received_at", "reason", "device_code", "topic", "resolved_at")
    list_filter = ("resolved_at", "reason")
    search_fields = ("device_code", "topic", "reason")
    date_hierarchy = "received_at"
    readonly_fields = ("received_at", "topic", "device_code", "reason", "payload", "resolved_at")
    fields = readonly_fields
    actions = ("reprocess",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: DeadLetter, form: Any, change: bool) -> None:
        """Nothing to save: every field is read-only, and only the services write dead letters
        (``change`` is there for the reprocess action)."""

    @admin.action(
        description=_("Reprocess the selected dead letters (after registering their device)"),
        permissions=["change"],
    )
    def reprocess(self, request: HttpRequest, queryset: QuerySet[DeadLetter]) -> None:
        done = 0
        for letter in queryset.order_by("received_at"):
            try:
                event = dead_letter_reprocess(actor=request.user, dead_letter=letter)
            except DomainError as error:
                self.message_user(
                    request,
                    _("%(letter)s: %(error)s") % {"letter": letter, "error": error.message},
                    messages.ERROR,
                )
                continue
            done += 1
            self.message_user(
                request, _("%(letter)s: event %(number)s.") % {"letter": letter, "number": event}
            )
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d dead letter reprocessed.",
                    "%(count)d dead letters reprocessed.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )


@admin.register(AlarmReceipt)
class AlarmReceiptAdmin(ReadOnlyModelAdmin):
    """Every alarm message taken, by device and message id, and where it went (read-only)."""

    list_display = (
        "received_at",
        "device_code",
        "message_id",
        "alarm_type",
        "event",
        "dead_letter",
    )
    search_fields = ("=device_code", "=message_id", "event__number")
    date_hierarchy = "received_at"
    list_select_related = ("event", "dead_letter")
    actions = None
