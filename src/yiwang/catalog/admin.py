"""Catalog administration for catalog administrators (not developers).

Drafts are edited with their materials and fees inline; "Save and publish"
and the "Publish" action freeze a draft through ``service_version_publish``,
whose validation errors are shown one per line. Published versions are
read-only; "Create a new draft" copies one to edit.

The JSON fields (form schema, process steps, workflow overrides) are shown
pretty-printed and checked on every save by the same functions publishing
uses (``services.form_schema_errors``, ``steps_errors``,
``workflow_overrides_errors``), the error on the field; a JSON syntax error
says its line and column. The change page previews the application form and
the steps as the portal renders them (``preview_view``, framed). The application form's
fields can also be edited as rows (name, labels, type, required, options: the structured
editor, ``catalog.form_fields``); the schema they make is checked the same way.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from yiwang.catalog import form_fields, services
from yiwang.catalog.models import (
    CertificateType,
    Fee,
    Material,
    ServiceItem,
    ServiceVersion,
    Topic,
)


def _report(request: HttpRequest, exc: ValidationError, prefix: str) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            label = "" if field == "__all__" else f"{field}: "
            for error in errors:
                messages.error(request, f"{prefix}{label}{error}")
    else:
        for error in exc.messages:
            messages.error(request, f"{prefix}{error}")


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


class PrettyJSONField(forms.JSONField):
    """JSON in a monospaced text area, indented, Chinese left readable; a syntax error
    names its line and column."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["widget"] = forms.Textarea(
            attrs={"rows": 16, "class": "vLargeTextField json-editor", "spellcheck": "false"}
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2, cls=self.encoder)

    def to_python(self, value: Any) -> Any:
        if self.disabled or value in self.empty_values:
            return super().to_python(value)
        try:
            json.loads(value, cls=self.decoder)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("Not valid JSON: line %(line)d, column %(column)d: %(message)s."),
                code="invalid",
                params={"line": exc.lineno, "column": exc.colno, "message": exc.msg},
            ) from None
        return super().to_python(value)


class SchemaFieldForm(forms.Form):
    """One field of the application form, as a row of the structured editor."""

    name = forms.RegexField(
        label=_("name"),
        regex=r"^[a-z][a-z0-9_]*$",
        max_length=60,
        error_messages={"invalid": _("Lower-case letters, digits and _, starting with a letter.")},
    )
    title_zh = forms.CharField(label=_("label (Chinese)"), max_length=200)
    title_en = forms.CharField(label=_("label (English)"), max_length=200, required=False)
    # The initial is the select's first option, so a blank row left as it was is unchanged.
    type = forms.ChoiceField(label=_("type"), choices=form_fields.FIELD_TYPES, initial="text")
    required = forms.BooleanField(label=_("required"), required=False)
    options_zh = forms.CharField(
        label=_("options (Chinese)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 18}),
    )
    options_en = forms.CharField(
        label=_("options (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 18}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chinese = form_fields.option_lines(data.get("options_zh") or "")
        english = form_fields.option_lines(data.get("options_en") or "")
        if data.get("type") == "choice":
            if not chinese:
                self.add_error("options_zh", _("A choice needs its options, one a line."))
            elif english and len(english) != len(chinese):
                self.add_error(
                    "options_en",
                    _("Give as many English options as Chinese ones (%(n)d), or none.")
                    % {"n": len(chinese)},
                )
        elif chinese or english:
            self.add_error("options_zh", _("Only a choice has options."))
        return data


class BaseSchemaFieldFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        # A row's cells are labelled by the table's headings; say them to screen readers too.
        for field in form.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))

    def _kept(self) -> list[tuple[int, forms.Form]]:
        """The rows kept: the form's fields not deleted, and the blank rows filled in."""
        initial = self.initial_form_count()
        return [
            (i, f)
            for i, f in enumerate(self.forms)
            if (i < initial or f.has_changed()) and not self._should_delete_form(f)
        ]

    def clean(self) -> None:
        names = [f.cleaned_data["name"] for _i, f in self._kept() if "name" in f.cleaned_data]
        doubled = sorted({n for n in names if names.count(n) > 1})
        if doubled:
            raise ValidationError(
                _("Two fields are named %(names)s: each needs a name of its own.")
                % {"names": ", ".join(doubled)}
            )

    def rows(self) -> list[dict[str, Any]]:
        """The rows kept, by their order numbers (rows without one last, as they came)."""
        kept = [(f.cleaned_data.get("ORDER"), i, f.cleaned_data) for i, f in self._kept()]
        kept.sort(key=lambda t: (t[0] is None, t[0] or 0, t[1]))
        return [data for _order, _i, data in kept]


SchemaFieldFormSet = forms.formset_factory(
    SchemaFieldForm, formset=BaseSchemaFieldFormSet, extra=2, can_delete=True, can_order=True
)

#: The POST field saying which editor the administrator used for the application form.
FORM_EDITOR = "form_schema_editor"


class ServiceVersionForm(forms.ModelForm):
    JSON_CHECKS = {
        "form_schema": services.form_schema_errors,
        "steps": services.steps_errors,
        "workflow_overrides": services.workflow_overrides_errors,
    }

    class Meta:
        model = ServiceVersion
        fields = "__all__"
        field_classes = {
            "form_schema": PrettyJSONField,
            "steps": PrettyJSONField,
            "workflow_overrides": PrettyJSONField,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The application form's fields as rows (the structured editor), or None when the
        #: schema has fields the rows cannot show (then it is edited as JSON only).
        self.schema_rows = form_fields.rows_from_schema(self.initial.get("form_schema"))
        used = self.is_bound and self.data.get(FORM_EDITOR) == "rows"
        self.schema_fields = SchemaFieldFormSet(
            self.data if used else None, initial=self.schema_rows or [], prefix="schema_fields"
        )

    def _form_schema_from_rows(self, data: dict[str, Any]) -> None:
        """Put the rows' schema in ``data`` when the administrator edited the rows."""
        if not (self.is_bound and self.data.get(FORM_EDITOR) == "rows"):
            return
        if self.schema_rows is None:
            self.add_error(
                "form_schema", _("This form has fields the rows cannot show: edit it as JSON.")
            )
        elif self.fields["form_schema"].has_changed(
            self.initial.get("form_schema"), self["form_schema"].data
        ):  # against the stored schema (the field's hidden initial is the page's copy)
            self.add_error(
                "form_schema",
                _(
                    "You changed the JSON while saving the fields as rows: choose “Save the JSON "
                    "above” to keep the JSON, or undo it."
                ),
            )
        elif not self.schema_fields.is_valid():
            self.add_error("form_schema", _("Correct the form's fields below."))
        else:
            data["form_schema"] = form_fields.schema_from_rows(
                self.schema_fields.rows(), base=self.initial.get("form_schema")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self._form_schema_from_rows(data)
        item = data.get("item") or getattr(self.instance, "item", None)
        is_new = self.instance.pk is None
        if is_new and item and item.versions.filter(status=ServiceVersion.Status.DRAFT).exists():
            raise ValidationError(_("This service already has a draft; edit that draft instead."))
        for field, check in self.JSON_CHECKS.items():
            if field in data:
                errors = check(data[field])
                if errors:
                    self.add_error(field, errors)
        if "form_schema" in data:
            data["form_schema"] = services.form_schema_with_order(data["form_schema"])
        return data


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
