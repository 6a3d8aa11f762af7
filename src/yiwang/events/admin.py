"""Admin for what the 12345 centre maintains: categories, the dispatch directory, the
knowledge base, IoT devices, dead letters and Open311 API keys; events read-only.

Versioned things are not edited in place: a directory version is published as a copy with
its changes (``directory_publish``), a knowledge base answer saved as a new version
(``article_save``); an API key is issued by the service, its raw value shown once.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from yiwang.events import (
    admin_iot,  # noqa: F401  (devices, dead letters, alarm receipts)
    services,
)
from yiwang.events.models import (
    Category,
    DispatchDirectory,
    DispatchRule,
    District,
    Event,
    EventEntry,
    KnowledgeArticle,
)
from yiwang.events.open311 import admin as open311_admin  # noqa: F401  (registers the API keys)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "code", "name_zh", "parent", "sign_limit_hours", "handle_limit_days",
        "extension_max_days", "return_window_days", "callback_required", "callback_channel",
        "needs_contact", "is_active",
    ]  # fmt: skip
    list_filter = ["is_active", "callback_required", "callback_channel", "needs_contact"]
    search_fields = ["code", "name_zh", "name_en", "keywords"]
    autocomplete_fields = ["parent"]


class DispatchRuleInline(admin.TabularInline):
    model = DispatchRule
    extra = 0
    autocomplete_fields = ["category", "lead"]
    filter_horizontal = ["supporting"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.pk  # a published version is immutable

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DispatchDirectory)
class DispatchDirectoryAdmin(admin.ModelAdmin):
    """Versions of the dispatch directory (派单目录). "Publish a copy" makes a new current
    version with the same rules, whose rules are then edited under "Dispatch rules" of that
    version before it is used; every version stays on record."""

    list_display = ["version", "is_current", "note", "created_at", "created_by"]
    readonly_fields = ["version", "is_current", "created_at", "created_by"]
    inlines = [DispatchRuleInline]
    actions = ["publish_copy"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Publish a copy as the new current version"))
    def publish_copy(self, request: HttpRequest, queryset: QuerySet[DispatchDirectory]) -> None:
        source = queryset.order_by("-version").first()
        if source is None:
            return
        rules = [
            (r.category, r.district, r.lead, list(r.supporting.all()))
            for r in source.rules.select_related("category", "district", "lead")
        ]
        new = services.directory_publish(
            actor=request.user, rules=rules, note=f"copy of v{source.version}"
        )
        messages.success(request, _("Version %(v)d published.") % {"v": new.version})


@admin.register(DispatchRule)
class DispatchRuleAdmin(admin.ModelAdmin):
    """The rules of the current version may be corrected (new rules too); earlier versions
    are read-only."""

    list_display = ["directory", "category", "district", "lead"]
    list_filter = ["directory", "district"]
    search_fields = ["category__name_zh", "lead__name_zh"]
    autocomplete_fields = ["category", "lead"]
    filter_horizontal = ["supporting"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or obj.directory.is_current
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from yiwang.core.audit import audit_record

        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="event.directory_rule_saved",
            target=obj,
            data={"directory": obj.directory.version, "lead": obj.lead.code},
        )


class ArticleForm(forms.ModelForm):
    class Meta:
        model = KnowledgeArticle
        fields = ["key", "category", "title", "body", "keywords"]


@admin.register(KnowledgeArticle)
class KnowledgeArticleAdmin(admin.ModelAdmin):
    """Saving an answer creates its next version; the previous one stays on record."""

    form = ArticleForm
    list_display = ["title", "key", "version", "category", "is_current", "created_at"]
    list_filter = ["is_current", "category"]
    search_fields = ["title", "body", "keywords", "key"]
    autocomplete_fields = ["category"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = services.article_save(
            actor=request.user,
            key=obj.key,
            category=obj.category,
            title=obj.title,
            body=obj.body,
            keywords=obj.keywords,
        )
        obj.pk = saved.pk


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["region", "source", "loaded_at"]
    readonly_fields = ["region", "geometry", "source", "loaded_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # manage.py load_districts


class EventEntryInline(admin.TabularInline):
    model = EventEntry
    extra = 0
    fields = ["at", "kind", "department", "actor", "text", "public"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: events change only through the services (the officers' pages)."""

    list_display = [
        "number", "channel", "category", "district", "status", "lead_department",
        "handle_due_at", "handle_card", "created_at",
    ]  # fmt: skip
    list_filter = ["status", "channel", "handle_card", "district"]
    search_fields = ["number", "description", "address"]
    inlines = [EventEntryInline]
    exclude = ["reporter_phone", "reporter_name", "reporter_resident_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
