"""A draft version's materials and fees, edited inline (read-only once published)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from yiwang.catalog.models import Fee, Material, ServiceVersion


class _DraftOnlyInline(admin.TabularInline):
    extra = 0

    def _editable(self, obj: ServiceVersion | None) -> bool:
        return obj is None or obj.is_editable

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


class MaterialForm(forms.ModelForm):
    formats = forms.MultipleChoiceField(
        label=_("accepted formats"),
        choices=[(f, f.upper()) for f in Material.FORMAT_CHOICES],
        widget=forms.CheckboxSelectMultiple,
        initial=list(Material.FORMAT_CHOICES),
    )

    class Meta:
        model = Material
        fields = "__all__"


class MaterialInline(_DraftOnlyInline):
    model = Material
    form = MaterialForm
    fields = [
        "order", "name_zh", "name_en", "requirement", "condition_zh", "formats", "copies",
        "original_required", "certificate_type",
    ]  # fmt: skip
    autocomplete_fields = ["certificate_type"]


class FeeInline(_DraftOnlyInline):
    model = Fee
    fields = ["name_zh", "name_en", "amount_yuan", "basis_zh"]
