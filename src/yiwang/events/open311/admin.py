"""Admin of Open311 API keys: issued and revoked through the events services, never deleted.

The raw key is shown once, in a message after saving; only its SHA-256 is
stored. Registered from ``yiwang.events.admin``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from yiwang.core.admin import ReadOnlyModelAdmin
from yiwang.events import services
from yiwang.events.models import ApiKey, IntakeRequest

ADD_FIELDS = ["name", "owner", "rate_per_minute"]
SHOWN_FIELDS = [
    "name",
    "owner",
    "prefix",
    "rate_per_minute",
    "created_at",
    "last_used_at",
    "revoked_at",
]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = SHOWN_FIELDS
    list_filter = ["created_at", "revoked_at"]
    search_fields = ["name", "prefix", "owner__username"]
    autocomplete_fields = ["owner"]
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ADD_FIELDS if obj is None else SHOWN_FIELDS

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else SHOWN_FIELDS

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            return  # a key is immutable: revoke it and issue another
        key, raw = services.api_key_issue(
            actor=request.user,
            owner=form.cleaned_data["owner"],
            name=form.cleaned_data["name"],
            rate_per_minute=form.cleaned_data["rate_per_minute"],
        )
        obj.__dict__.update({k: v for k, v in key.__dict__.items() if k != "_state"})
        obj._state.adding = False
        messages.warning(
            request,
            format_html(
                "{} <code>{}</code>",
                _("Copy the api_key now: it is not stored and will not be shown again."),
                raw,
            ),
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected API keys"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset:
            services.api_key_revoke(actor=request.user, key=key)
        messages.success(request, _("Revoked %(n)d API keys.") % {"n": queryset.count()})


@admin.register(IntakeRequest)
class IntakeRequestAdmin(ReadOnlyModelAdmin):
    """The Open311 intake queue (``YIWANG_OPEN311_ASYNC``), read-only: what waits, what was
    registered as which event, and what registration refused and why (also answered at the
    request's token). Rows are written only by the Open311 services."""

    list_display = ("received_at", "token", "state", "event", "error_status", "error", "key")
    list_filter = ("state",)
    search_fields = ("token", "event__number")
    date_hierarchy = "received_at"
    list_select_related = ("event", "key")
    readonly_fields = (
        "token",
        "key",
        "received_at",
        "state",
        "attempts",
        "event",
        "error_status",
        "error",
        "done_at",
        "payload",
    )
    fields = readonly_fields
