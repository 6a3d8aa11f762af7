"""Applying online (网上申报): start, the form, materials, check your answers and submit.

Each view reads or writes through ``yiwang.cases`` (one service or selector
each) and renders. A draft lives at ``/applications/<id>/`` as a task list:
the form (one topic per page for long forms, see
``portal.schema_forms.form_sections``), the materials, then "check your
answers", whose submit button carries an idempotency key generated when the
page was rendered, so a double click or a re-POST returns the same case.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from yiwang.cases import selectors as case_selectors
from yiwang.cases import services as case_services
from yiwang.cases.errors import (
    ApplicationNotFound,
    CaseNotFound,
    IdempotencyKeyReused,
    UploadRejected,
    UploadTooLarge,
)
from yiwang.cases.forms_schema import form_errors
from yiwang.cases.models import Application
from yiwang.cases.uploads import FORMAT_LABELS, max_upload_bytes, megabytes_label
from yiwang.catalog import selectors as catalog_selectors
from yiwang.catalog.models import ServiceVersion
from yiwang.catalog.selectors import ServiceNotFound
from yiwang.core.ids import parse_id, parse_index
from yiwang.identity.selectors import enterprises_for_user
from yiwang.portal.schema_forms import (
    SEP,
    SchemaForm,
    Section,
    answer_rows,
    error_rows,
    form_sections,
)

SELF = "self"


class ApplyAsForm(forms.Form):
    """Who the applicant acts for: themselves (自然人) or one of their enterprises (法人)."""

    applicant = forms.ChoiceField(
        label=gettext_lazy("Who are you applying for?"),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose who you are applying for.")},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applicant"].choices = choices
        if len(choices) == 1:
            self.fields["applicant"].initial = choices[0][0]


class UploadForm(forms.Form):
    material_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    file = forms.FileField(
        label=gettext_lazy("File"),
        error_messages={
            "required": gettext_lazy("Choose a file to upload."),
            "empty": gettext_lazy("The file is empty."),
        },
    )


def all_messages(errors: Mapping[str, Iterable[str]]) -> list[str]:
    """Every message of a ``{field: [message, …]}`` mapping, in order."""
    return [message for messages in errors.values() for message in messages]


def _apply_as_choices(request: HttpRequest, version: ServiceVersion) -> list[tuple[str, str]]:
    objects = ServiceVersion.ServiceObject
    choices: list[tuple[str, str]] = []
    if version.service_object in (objects.PERSON, objects.BOTH):
        choices.append((SELF, _("Myself (%(name)s)") % {"name": request.user}))
    if version.service_object in (objects.LEGAL_PERSON, objects.BOTH):
        choices += [
            (f"enterprise-{e.pk}", _("%(name)s (an enterprise I act for)") % {"name": e.name})
            for e in enterprises_for_user(request.user)
        ]
    return choices


@login_required
@require_http_methods(["GET", "POST"])
def application_start(request: HttpRequest, code: str) -> HttpResponse:
    """Choose who you act for, then start a draft (``application_create_draft``)."""
    try:
        version = catalog_selectors.service_guide(code)
    except ServiceNotFound:
        raise Http404(code) from None
    choices = _apply_as_choices(request, version)
    form = ApplyAsForm(request.POST or None, choices=choices)
    status = 200
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["applicant"]
        enterprise = None
        if choice != SELF:
            enterprise = enterprises_for_user(request.user).get(pk=int(choice.split("-", 1)[1]))
        try:
            application = case_services.application_create_draft(
                applicant=request.user, service_code=code, enterprise=enterprise
            )
        except ValidationError as exc:
            for message in all_messages(exc.message_dict):
                form.add_error(None, message)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("portal:application_form", application_id=application.pk)
    if form.errors:
        status = 422
    drafts = case_selectors.application_list_drafts(user=request.user).filter(
        service_version__item__code=code
    )
    return render(
        request,
        "portal/apply/start.html",
        {"version": version, "form": form, "choices": choices, "drafts": drafts},
        status=status,
    )


@login_required
@require_safe
def application_list(request: HttpRequest) -> HttpResponse:
    """The user's drafts, most recently edited first (resumable)."""
    drafts = case_selectors.application_list_drafts(user=request.user)
    return render(request, "portal/apply/list.html", {"drafts": drafts})


def _own_draft(request: HttpRequest, application_id: int) -> Application:
    try:
        return case_selectors.application_get_for_applicant(
            user=request.user, application_id=application_id
        )
    except ApplicationNotFound:
        raise Http404("application") from None


def _case_of(application: Application) -> HttpResponse:
    return redirect("portal:case_detail", number=application.case.number)


def _sections_status(application: Application, sections: list[Section]) -> list[dict[str, Any]]:
    schema = application.service_version.form_schema or {}
    data = application.form_data or {}
    errors = form_errors(schema, data, require=True)
    out = []
    for section in sections:
        answered = any(name in data for name in section.names)
        complete = not any(
            path.split(".")[0] in section.names or (path == "__all__" and section.index == 0)
            for path in errors
        )
        if complete and (answered or not section.names or not errors):
            status = "completed"
        elif answered:
            status = "in_progress"
        else:
            status = "not_started"
        out.append({"section": section, "status": status})
    return out


@login_required
@require_safe
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    """The draft's task list: the form's sections, the materials, check and submit."""
    application = _own_draft(request, application_id)
    if application.status == Application.Status.SUBMITTED:
        return _case_of(application)
    version = application.service_version
    sections = form_sections(version.form_schema or {})
    uploaded = set(
        application.materials.filter(superseded=False, material__isnull=False).values_list(
            "material_id", flat=True
        )
    )
    materials = list(version.materials.all())
    required = [m for m in materials if m.requirement == "required"]
    return render(
        request,
        "portal/apply/detail.html",
        {
            "application": application,
            "version": version,
            "sections": _sections_status(application, sections),
            "materials_total": len(materials),
            "materials_uploaded": len([m for m in materials if m.pk in uploaded]),
            "materials_done": all(m.pk in uploaded for m in required),
        },
    )


def _section(sections: list[Section], raw: str | None) -> Section:
    index = parse_index(raw) or 0
    return sections[index] if index < len(sections) else sections[0]


def _edit_rows(answers: dict[str, Any], action: str, value: str) -> str:
    """Add a row to, or remove one from, a repeating group; returns the group's anchor."""
    parts = value.split(SEP)
    index = None
    if action == "remove_row":
        index = parse_index(parts[-1]) if len(parts) >= 2 else None
        if index is None:
            return value  # not a row: nothing to remove
        parts = parts[:-1]
    container: Any = answers
    for part in parts[:-1]:
        container = container.setdefault(part, {}) if isinstance(container, dict) else {}
    rows = container.setdefault(parts[-1], []) if isinstance(container, dict) else []
    if not isinstance(rows, list):
        return value
    if index is None:
        rows.append({})
    elif 0 <= index < len(rows):
        rows.pop(index)
    return SEP.join(parts)


@login_required
@require_http_methods(["GET", "POST"])
def application_form(request: HttpRequest, application_id: int) -> HttpResponse:
    """Step 1: the form answers, one section per page; saved as the draft."""
    application = _own_draft(request, application_id)
    if application.status == Application.Status.SUBMITTED:
        return _case_of(application)
    schema = application.service_version.form_schema or {}
    sections = form_sections(schema)
    section = _section(sections, request.GET.get("section"))
    form = SchemaForm(
        schema,
        answers=application.form_data,
        data=request.POST if request.method == "POST" else None,
        only=section.names,
    )
    other_errors: dict[str, list[str]] = {}
    if request.method == "POST" and form.is_valid():
        action = next((a for a in ("add_row", "remove_row") if a in request.POST), "")
        answers = form.answers(keep_blank_rows=bool(action))
        anchor = _edit_rows(answers, action, request.POST[action]) if action else ""
        try:
            case_services.application_update_draft(
                application=application, applicant=request.user, form_data=answers
            )
        except ValidationError as exc:
            other_errors = form.apply_errors(exc.message_dict)
        else:
            here = reverse("portal:application_form", args=[application.pk])
            if action:
                return redirect(f"{here}?section={section.index}#group-{anchor}")
            if "save_and_exit" in request.POST:
                messages.success(request, _("Your answers have been saved as a draft."))
                return redirect("portal:application_detail", application_id=application.pk)
            if section.index + 1 < len(sections):
                return redirect(f"{here}?section={section.index + 1}")
            return redirect("portal:application_materials", application_id=application.pk)
    return render(
        request,
        "portal/apply/form.html",
        {
            "application": application,
            "version": application.service_version,
            "form": form,
            "section": section,
            "sections": sections,
            "other_errors": other_errors,
        },
        status=422 if form.errors or form.group_errors or other_errors else 200,
    )


def _materials_context(application: Application) -> dict[str, Any]:
    version = application.service_version
    uploads = {
        u.material_id: u
        for u in application.materials.filter(superseded=False).select_related("material")
    }
    return {
        "application": application,
        "version": version,
        "materials": [
            {"material": m, "upload": uploads.get(m.pk), "formats": formats_label(m.formats)}
            for m in version.materials.all()
        ],
        "max_upload": megabytes_label(max_upload_bytes()),
    }


def formats_label(formats: list[str]) -> str:
    return ", ".join(FORMAT_LABELS.get(f, f.upper()) for f in formats or FORMAT_LABELS)


def upload_errors(form: UploadForm, exc: Exception) -> tuple[list[str], int]:
    """Messages and the HTTP status for a failed upload (413 too large, 422 otherwise)."""
    if isinstance(exc, UploadTooLarge | UploadRejected):
        return [exc.message], exc.http_status
    if isinstance(exc, ValidationError):
        return all_messages(exc.message_dict) if hasattr(exc, "error_dict") else exc.messages, 422
    raise exc


@login_required
@require_http_methods(["GET", "POST"])
def application_materials(request: HttpRequest, application_id: int) -> HttpResponse:
    """Step 2: one upload per catalog material (multipart); replace or remove."""
    application = _own_draft(request, application_id)
    if application.status == Application.Status.SUBMITTED:
        return _case_of(application)
    errors: dict[int, list[str]] = {}
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        material_id = form.data.get("material_id")
        key = parse_id(material_id) or 0
        if form.is_valid():
            try:
                row = case_services.material_upload(
                    actor=request.user,
                    file=form.cleaned_data["file"],
                    material_id=form.cleaned_data["material_id"],
                    application=application,
                )
            except (UploadTooLarge, UploadRejected, ValidationError) as exc:
                errors[key], status = upload_errors(form, exc)
            else:
                messages.success(
                    request, _("“%(name)s” has been uploaded.") % {"name": row.original_name}
                )
                url = reverse("portal:application_materials", args=[application.pk])
                return redirect(f"{url}#material-{key}")
        else:
            errors[key], status = all_messages(form.errors), 422
    context = _materials_context(application)
    for entry in context["materials"]:
        entry["errors"] = errors.get(entry["material"].pk, [])
    context["error_links"] = [
        (f"file-{e['material'].pk}", e["material"], message)
        for e in context["materials"]
        for message in e["errors"]
    ]
    return render(request, "portal/apply/materials.html", context, status=status)


@login_required
@require_POST
def material_remove(request: HttpRequest, application_id: int, material_id: int) -> HttpResponse:
    """Remove an upload from a draft (``material_delete``)."""
    try:
        row = case_selectors.material_get_for_user(user=request.user, material_id=material_id)
    except CaseNotFound:
        raise Http404("material") from None
    if row.application_id != application_id:
        raise Http404("material")
    try:
        case_services.material_delete(material=row, actor=request.user)
    except ApplicationNotFound:
        raise Http404("material") from None
    except case_services.CaseConflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("“%(name)s” has been removed.") % {"name": row.original_name})
    return redirect("portal:application_materials", application_id=application_id)


@login_required
@require_http_methods(["GET", "POST"])
def application_check(request: HttpRequest, application_id: int) -> HttpResponse:
    """Step 3: check your answers, then submit (``application_submit``, idempotent)."""
    application = _own_draft(request, application_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            case = case_services.application_submit(
                application=application,
                applicant=request.user,
                idempotency_key=request.POST.get("idempotency_key") or None,
            )
        except (ValidationError, IdempotencyKeyReused) as exc:
            errors = exc.message_dict
        else:
            url = reverse("portal:case_detail", args=[case.number])
            return redirect(f"{url}?submitted=1")
    elif application.status == Application.Status.SUBMITTED:
        return _case_of(application)
    schema = application.service_version.form_schema or {}
    context = _materials_context(application)
    sections = form_sections(schema)
    context.update(
        {
            "rows": answer_rows(schema, application.form_data or {}),
            "multi_section": len(sections) > 1,
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
            "material_errors": errors.pop("materials", []),
            "answer_errors": error_rows(schema, errors),
        }
    )
    failed = context["answer_errors"] or context["material_errors"]
    return render(request, "portal/apply/check.html", context, status=422 if failed else 200)
