"""Notifications in the admin: read-only history, and resending failed deliveries."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from yiwang.notifications import services
from yiwang.notifications.models import Notification, NotificationDelivery


class ReadOnlyAdminMixin:
    """Rows are written by the services only; the admin shows them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class NotificationDeliveryInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = NotificationDelivery
    extra = 0
    fields = ["channel", "status", "attempts", "sent_at", "last_error"]
    readonly_fields = fields


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["created_at", "user", "kind", "title", "case", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "user__username", "case__number"]
    list_select_related = ["user", "case"]
    raw_id_fields = ["user", "case"]
    date_hierarchy = "created_at"
    inlines = [NotificationDeliveryInline]


@admin.register(NotificationDelivery)
class NotificationDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "id", "notification", "channel", "status", "attempts", "sent_at", "claimed_at",
        "lease_until",
    ]  # fmt: skip
    list_filter = ["status", "channel"]
    search_fields = ["notification__title", "notification__user__username"]
    list_select_related = ["notification"]
    raw_id_fields = ["notification"]
    actions = ["retry"]

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("notifications.change_notificationdelivery"))

    @admin.action(description=_("Send the selected failed deliveries again"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[NotificationDelivery]) -> None:
        count = sum(
            services.delivery_retry(delivery_id=pk) for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery will be sent again.",
                "%(count)d deliveries will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
