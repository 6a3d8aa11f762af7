"""Service items (事项) with links to their versions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from yiwang.catalog import services
from yiwang.catalog.models import ServiceItem, ServiceVersion


class VersionLinkInline(admin.TabularInline):
    model = ServiceVersion
    fields = ["link", "status", "published_at", "superseded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("version"))
    def link(self, obj: ServiceVersion) -> str:
        url = reverse("admin:catalog_serviceversion_change", args=[obj.pk])
        return format_html('<a href="{}">v{} {}</a>', url, obj.number, obj.name_zh)


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = ["code", "current_name", "department", "current_version", "add_version_link"]
    list_filter = ["department"]
    search_fields = ["code", "versions__name_zh", "versions__name_en"]
    list_select_related = ["department", "published_version"]
    inlines = [VersionLinkInline]

    @admin.display(description=_("name"))
    def current_name(self, obj: ServiceItem) -> str:
        version = obj.published_version
        return version.name_zh if version else "—"

    @admin.display(description=_("published version"))
    def current_version(self, obj: ServiceItem) -> str:
        return f"v{obj.published_version.number}" if obj.published_version else _("not published")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceItem]:
        # The open draft's id, for add_version_link without a query per row.
        drafts = ServiceVersion.objects.filter(
            item=OuterRef("pk"), status=ServiceVersion.Status.DRAFT
        )
        return super().get_queryset(request).annotate(draft_id=Subquery(drafts.values("pk")[:1]))

    @admin.display(description=_("edit"))
    def add_version_link(self, obj: ServiceItem) -> str:
        draft_id = obj.draft_id  # type: ignore[attr-defined]
        if draft_id:
            url = reverse("admin:catalog_serviceversion_change", args=[draft_id])
            return format_html('<a href="{}">{}</a>', url, _("edit draft"))
        if obj.published_version:
            url = reverse("admin:catalog_serviceversion_change", args=[obj.published_version.pk])
            return format_html('<a href="{}">{}</a>', url, _("view / create a new draft"))
        url = reverse("admin:catalog_serviceversion_add") + f"?item={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("add the first version"))

    def save_model(self, request: HttpRequest, obj: ServiceItem, form: Any, change: bool) -> None:
        services.service_item_save(item=obj, actor=request.user, changed=form.changed_data)
