"""Reference lists of the catalog: topics (主题) and certificate types."""

from __future__ import annotations

from django.contrib import admin

from yiwang.catalog.models import CertificateType, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["code", "icon", "name_zh", "name_en", "audience", "order"]
    list_filter = ["audience"]
    list_editable = ["order"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(CertificateType)
class CertificateTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "issuer"]
    search_fields = ["code", "name_zh", "name_en"]
