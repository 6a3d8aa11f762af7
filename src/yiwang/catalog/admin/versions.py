"""The service version admin: drafts edited and published, new drafts from published
versions, the preview of the form and steps; a publishing error one message per line.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from yiwang.catalog import services
from yiwang.catalog.admin.inlines import FeeInline, MaterialInline
from yiwang.catalog.admin.version_forms import ServiceVersionForm
from yiwang.catalog.models import ServiceVersion


def _report(request: HttpRequest, exc: ValidationError, prefix: str) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            label = "" if field == "__all__" else f"{field}: "
            for error in errors:
                messages.error(request, f"{prefix}{label}{error}")
    else:
        for error in exc.messages:
            messages.error(request, f"{prefix}{error}")


@admin.register(ServiceVersion)
class ServiceVersionAdmin(admin.ModelAdmin):
    form = ServiceVersionForm
    change_form_template = "admin/catalog/serviceversion/change_form.html"
    list_display = [
        "name_zh", "item_code", "number", "status", "department", "kind", "service_object",
        "promised_limit_days", "visits", "published_at",
    ]  # fmt: skip
    list_filter = ["status", "kind", "service_object", "workflow", "item__department"]
    search_fields = ["name_zh", "name_en", "item__code", "keywords"]
    list_select_related = ["item__department"]
    autocomplete_fields = ["item"]
    filter_horizontal = ["topics"]
    inlines = [MaterialInline, FeeInline]
    actions = ["publish_selected", "create_drafts"]
    readonly_fields = ["status", "number", "published_at", "superseded_at"]
    fieldsets = [
        (None, {"fields": ["item", "number", "status", "published_at", "superseded_at"]}),
        (_("Names and description"), {"fields": [
            "name_zh", "name_en", "kind", "service_object", "topics", "keywords",
            "summary_zh", "summary_en", "conditions_zh", "conditions_en",
            "legal_basis_zh", "legal_basis_en"]}),
        (_("Limits, visits and fees"), {"fields": [
            "legal_limit_days", "promised_limit_days", "visits", "online_available", "is_free"]}),
        (_("Where and how"), {"fields": ["where_zh", "where_en", "steps"]}),
        (_("Result and forms to download"), {"fields": [
            "result_name_zh", "result_name_en", "result_sample", "blank_form", "sample_form"]}),
        (_("Form and workflow"), {"fields": ["form_schema", "workflow", "workflow_overrides"]}),
    ]  # fmt: skip

    @admin.display(description=_("item code"), ordering="item__code")
    def item_code(self, obj: ServiceVersion) -> str:
        return obj.item.code

    @admin.display(description=_("department"), ordering="item__department__code")
    def department(self, obj: ServiceVersion) -> str:
        return str(obj.item.department)

    #: On a published (read-only) version, the JSON fields are shown by these, indented.
    JSON_VIEWS = {
        "form_schema": "form_schema_json",
        "steps": "steps_json",
        "workflow_overrides": "workflow_overrides_json",
    }

    def _json_view(self, value: Any) -> str:
        text = json.dumps(value, ensure_ascii=False, indent=2)
        return format_html('<pre class="json-view">{}</pre>', text)

    @admin.display(description=_("application form (JSON Schema)"))
    def form_schema_json(self, obj: ServiceVersion) -> str:
        return self._json_view(obj.form_schema)

    @admin.display(description=_("process steps"))
    def steps_json(self, obj: ServiceVersion) -> str:
        return self._json_view(obj.steps)

    @admin.display(description=_("workflow overrides"))
    def workflow_overrides_json(self, obj: ServiceVersion) -> str:
        return self._json_view(obj.workflow_overrides)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.is_editable:
            return fieldsets
        return [
            (name, {**opts, "fields": [self.JSON_VIEWS.get(f, f) for f in opts["fields"]]})
            for name, opts in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and not obj.is_editable:
            return [f.name for f in ServiceVersion._meta.fields] + [
                "topics",
                *self.JSON_VIEWS.values(),
            ]
        if obj is not None:
            return [*self.readonly_fields, "item"]
        return self.readonly_fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Published versions are view-only; "Create a new draft" copies them.
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not obj.is_editable:
            return False
        return super().has_delete_permission(request, obj)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.new_draft_view)
        preview = self.admin_site.admin_view(xframe_options_sameorigin(self.preview_view))
        return [
            path("<int:pk>/new-draft/", view, name="catalog_serviceversion_new_draft"),
            path("<int:pk>/preview/", preview, name="catalog_serviceversion_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The saved version's application form and steps as the portal shows them."""
        from yiwang.portal.schema_forms import SchemaForm, form_sections

        version = get_object_or_404(ServiceVersion, pk=pk)
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        schema = version.form_schema or {}
        errors = services.form_schema_errors(schema)
        sections = (
            []
            if errors
            else [
                (section, SchemaForm(schema, only=section.names))
                for section in form_sections(schema)
            ]
        )
        return render(
            request,
            "admin/catalog/serviceversion/form_preview.html",
            {"version": version, "sections": sections, "schema_errors": errors},
        )

    def new_draft_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = get_object_or_404(ServiceVersion, pk=pk)
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        return self._new_draft(request, version)

    def save_model(
        self, request: HttpRequest, obj: ServiceVersion, form: Any, change: bool
    ) -> None:
        # Through the catalog services; the topics (many-to-many) follow in save_related.
        fields = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in form.cleaned_data and name != "item"
        }
        for name in ServiceVersion.GUIDE_FILES.values():
            if fields.get(name) is False:  # "Clear" ticked on a file
                fields[name] = ""
        if change:
            saved = services.service_version_update_draft(version=obj, actor=request.user, **fields)
        else:
            saved = services.service_version_add(
                item=form.cleaned_data["item"], actor=request.user, **fields
            )
        obj.pk, obj.number = saved.pk, saved.number
        obj.refresh_from_db()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The topics were saved by the service in save_model; only the inline parts remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Materials and fees of the draft, saved and deleted through the catalog service.
        saved = formset.save(commit=False)
        services.service_version_parts_save(
            version=form.instance,
            actor=request.user,
            saved=saved,
            deleted=formset.deleted_objects,
        )

    def response_change(self, request: HttpRequest, obj: ServiceVersion) -> HttpResponse:
        if "_publish" in request.POST:
            self._publish(request, obj)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def response_add(
        self, request: HttpRequest, obj: ServiceVersion, post_url_continue: Any = None
    ) -> HttpResponse:
        if "_publish" in request.POST:
            self._publish(request, obj)
            return HttpResponseRedirect(
                reverse("admin:catalog_serviceversion_change", args=[obj.pk])
            )
        return super().response_add(request, obj, post_url_continue)

    def _publish(self, request: HttpRequest, obj: ServiceVersion) -> bool:
        try:
            services.service_version_publish(version=obj, actor=request.user)
        except ValidationError as exc:
            _report(request, exc, _("Not published: ").__str__())
            return False
        messages.success(
            request,
            _("Published version %(n)d of %(name)s.") % {"n": obj.number, "name": obj.name_zh},
        )
        return True

    def _new_draft(self, request: HttpRequest, obj: ServiceVersion) -> HttpResponse:
        try:
            draft = services.service_version_create_draft(item=obj.item, actor=request.user)
        except ValidationError as exc:
            _report(request, exc, "")
            return HttpResponseRedirect(
                reverse("admin:catalog_serviceversion_change", args=[obj.pk])
            )
        messages.success(request, _("Created draft version %(n)d.") % {"n": draft.number})
        return HttpResponseRedirect(reverse("admin:catalog_serviceversion_change", args=[draft.pk]))

    @admin.action(description=_("Publish the selected drafts"))
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[ServiceVersion]) -> None:
        for version in queryset.filter(status=ServiceVersion.Status.DRAFT):
            self._publish(request, version)

    @admin.action(description=_("Create a new draft from the selected versions"))
    def create_drafts(self, request: HttpRequest, queryset: QuerySet[ServiceVersion]) -> None:
        for version in queryset:
            try:
                draft = services.service_version_create_draft(item=version.item, actor=request.user)
            except ValidationError as exc:
                _report(request, exc, "")
            else:
                messages.success(
                    request,
                    _("Created draft version %(n)d of %(code)s.")
                    % {"n": draft.number, "code": version.item.code},
                )
