"""The applicant's cases (我的办件): the list, the parcel-tracker page, supplements, ratings.

Views read through ``yiwang.cases.selectors`` (another applicant's case is
404, never 403) and write through ``yiwang.cases.services``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from yiwang.cases import selectors as case_selectors
from yiwang.cases import services as case_services
from yiwang.cases.downloads import material_response, notice_response
from yiwang.cases.errors import CaseConflict, CaseNotFound, UploadRejected, UploadTooLarge
from yiwang.cases.models import Case, Rating
from yiwang.cases.uploads import max_upload_bytes, megabytes_label
from yiwang.core.dbrouting import replica_reads
from yiwang.portal.apply_views import UploadForm, all_messages, formats_label, upload_errors
from yiwang.portal.templatetags.portal import translated

LEVELS = [(str(value), label) for value, label in Rating.Level.choices]


class RatingForm(forms.Form):
    """好差评: five levels, 非常满意 … 非常不满意, and an optional comment."""

    level = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you with this service?"),
        choices=LEVELS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose how satisfied you are.")},
    )
    comment = forms.CharField(
        label=gettext_lazy("Comments"),
        help_text=gettext_lazy("Tell us what went well or what could be better."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class FollowUpForm(forms.Form):
    level = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you with the department's reply?"),
        choices=LEVELS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose how satisfied you are.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="follow_up", **kwargs)


#: Cases per page of "my cases".
CASES_PAGE_SIZE = 20


def _light_label(light: str) -> str:
    return str(Case.Light(light).label) if light in Case.Light.values else ""


@login_required
@require_safe
@replica_reads
def case_list(request: HttpRequest) -> HttpResponse:
    """My cases: each with its status in plain words and its deadline light, a page at a time
    (an agent filing for many people may have thousands; the index on the applicant's cases
    by receipt serves each page)."""
    page = Paginator(
        case_selectors.case_list_for_applicant(user=request.user), CASES_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    cases = [
        {
            "case": case,
            "status": case_selectors.case_status_label(case),
            "light": case.light,
            "light_label": _light_label(case.light),
        }
        for case in page.object_list
    ]
    drafts = case_selectors.application_list_drafts(user=request.user).count()
    return render(
        request, "portal/cases/list.html", {"cases": cases, "page": page, "draft_count": drafts}
    )


def _own_case(request: HttpRequest, number: str) -> Case:
    try:
        return case_selectors.case_get_for_applicant(user=request.user, number=number)
    except CaseNotFound:
        raise Http404("case") from None


def _one(case: Case, name: str) -> Any:
    try:
        return getattr(case, name)
    except ObjectDoesNotExist:
        return None


def _timeline(case: Case) -> list[dict[str, Any]]:
    items = []
    for entry in case_selectors.case_timeline(case):
        due = entry.data.get("due_at") if isinstance(entry.data, dict) else None
        previous = entry.data.get("previous_due_at") if isinstance(entry.data, dict) else None
        items.append(
            {
                "entry": entry,
                "due_at": parse_datetime(due) if isinstance(due, str) else None,
                "due_provisional": entry.data.get("due_provisional") is True,
                "previous_due_at": parse_datetime(previous) if isinstance(previous, str) else None,
                "items": entry.data.get("items") or [],
                "level": Rating.Level(entry.data["level"]).label
                if entry.data.get("level") in Rating.Level.values
                else "",
                "certificate_number": entry.data.get("certificate_number", ""),
            }
        )
    return items


def _supplement(case: Case, errors: dict[str, list[str]]) -> dict[str, Any] | None:
    request = case.supplement_requests.filter(answered_at__isnull=True).last()
    if request is None:
        return None
    uploads = list(request.materials.filter(superseded=False).select_related("material"))
    by_material = {u.material_id: u for u in uploads if u.material_id}
    others = [u for u in uploads if not u.material_id]
    version_materials = {m.pk: m for m in case.service_version.materials.all()}
    items = []
    for n, item in enumerate(request.items, start=1):
        material = version_materials.get(item.get("material_id"))
        key = f"item-{n}"
        items.append(
            {
                "key": key,
                "name": translated(material, "name") if material else item.get("name", ""),
                "reason": item.get("reason", ""),
                "material": material,
                "formats": formats_label(material.formats if material else []),
                "upload": by_material.get(material.pk) if material else None,
                "errors": errors.get(key, []),
            }
        )
    return {"request": request, "items": items, "others": others}


def _detail(request: HttpRequest, case: Case, *, status: int = 200, **extra: Any) -> HttpResponse:
    errors: dict[str, list[str]] = extra.pop("errors", {})
    rating = _one(case, "rating")
    light = case_selectors.case_light(case)
    context: dict[str, Any] = {
        "case": case,
        "version": case.service_version,
        "status_label": case_selectors.case_status_label(case),
        "light": light,
        "light_label": _light_label(light),
        "timeline": _timeline(case),
        "next_step": case_selectors.case_next_step(case),
        "steps": case_selectors.case_steps(case),
        "decision": _one(case, "decision"),
        "materials": case_selectors.case_materials(case),
        "notices": case_selectors.case_notices(case),
        "supplement": _supplement(case, errors),
        "supplement_errors": errors.get("materials", []),
        "rating": rating,
        "rectification": _one(rating, "rectification") if rating else None,
        "can_rate": case.closed_at is not None and case.step != "withdrawn" and rating is None,
        "can_withdraw": case_selectors.case_applicant_may_withdraw(case),
        "rating_form": RatingForm(),
        "follow_up_form": FollowUpForm(),
        "just_submitted": request.GET.get("submitted") == "1",
        "max_upload": megabytes_label(max_upload_bytes()),
        **extra,
    }
    return render(request, "portal/cases/detail.html", context, status=status)


@login_required
@require_safe
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The tracker: status, timeline, what comes next, the decision, supplements, rating."""
    return _detail(request, _own_case(request, number))


def _back(case: Case, anchor: str) -> HttpResponse:
    return redirect(f"{reverse('portal:case_detail', args=[case.number])}#{anchor}")


@login_required
@require_POST
def supplement_upload(request: HttpRequest, number: str) -> HttpResponse:
    """Upload one file that the open supplement request lists (``material_upload`` on the case)."""
    case = _own_case(request, number)
    form = UploadForm(request.POST, request.FILES)
    key = request.POST.get("item", "")
    if form.is_valid():
        try:
            row = case_services.material_upload(
                actor=request.user,
                file=form.cleaned_data["file"],
                material_id=form.cleaned_data["material_id"],
                name=form.cleaned_data["name"],
                case=case,
            )
        except (UploadTooLarge, UploadRejected, ValidationError) as exc:
            messages_, status = upload_errors(form, exc)
        except CaseConflict as exc:
            messages_, status = [exc.message], 409
        else:
            messages.success(
                request, _("“%(name)s” has been uploaded.") % {"name": row.original_name}
            )
            return _back(case, "supplements")
    else:
        messages_, status = all_messages(form.errors), 422
    return _detail(request, case, status=status, errors={key: messages_})


@login_required
@require_POST
def supplement_submit(request: HttpRequest, number: str) -> HttpResponse:
    """Hand in the supplements (``supplement_answer``); the clock restarts."""
    case = _own_case(request, number)
    try:
        case = case_services.supplement_answer(case=case, applicant=request.user)
    except ValidationError as exc:
        return _detail(request, case, status=422, errors=exc.message_dict)
    except CaseConflict as exc:
        messages.error(request, exc.message)
        return _back(case, "main")
    messages.success(request, _("Your supplements have been sent to the department."))
    return _back(case, "main")


@login_required
@require_POST
def case_rate(request: HttpRequest, number: str) -> HttpResponse:
    """Rate a completed case (``rating_submit``)."""
    case = _own_case(request, number)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            case_services.rating_submit(
                case=case,
                applicant=request.user,
                level=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
            )
        except CaseConflict as exc:
            # already rated (a second tab) or not closed: the page shows why
            messages.error(request, exc.message)
            return _back(case, "rating")
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Thank you for rating this service."))
            return _back(case, "rating")
    return _detail(request, case, status=422, rating_form=form)


@login_required
@require_POST
def case_follow_up(request: HttpRequest, number: str) -> HttpResponse:
    """Rate the department's reply to a bad rating (``rectification_follow_up``)."""
    case = _own_case(request, number)
    rating = _one(case, "rating")
    task = _one(rating, "rectification") if rating else None
    if task is None:
        raise Http404("rectification")
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            case_services.rectification_follow_up(
                task=task, applicant=request.user, level=form.cleaned_data["level"]
            )
        except (CaseConflict, ValidationError) as exc:
            form.add_error(None, getattr(exc, "message", None) or exc.messages)
        else:
            messages.success(request, _("Thank you for rating the department's reply."))
            return _back(case, "rating")
    return _detail(request, case, status=422, follow_up_form=form)


@login_required
@require_safe
def material_download(request: HttpRequest, material_id: int) -> FileResponse:
    """Stream an uploaded file to its owner (or an officer who sees the case in full)."""
    try:
        row = case_selectors.material_get_for_user(user=request.user, material_id=material_id)
    except CaseNotFound:
        raise Http404("material") from None
    case_services.material_view_record(actor=request.user, material=row)
    return material_response(row, inline=request.GET.get("download") != "1")


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why are you withdrawing? (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_withdraw(request: HttpRequest, number: str) -> HttpResponse:
    """Withdraw the application (撤回, ``case_withdraw``): GET asks to confirm, POST withdraws.

    Refused once the department has decided (the workflow no longer allows it): the
    tracker says why. The officers see the withdrawal on the case's timeline.
    """
    case = _own_case(request, number)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case_services.case_withdraw(
                case=case, applicant=request.user, reason=form.cleaned_data["reason"]
            )
        except CaseConflict as exc:
            messages.error(request, _("This application can no longer be withdrawn: %(why)s")
                           % {"why": exc.message})  # fmt: skip
            return redirect("portal:case_detail", number=case.number)
        messages.success(request, _("Your application was withdrawn."))
        return redirect("portal:case_detail", number=case.number)
    if not case_selectors.case_applicant_may_withdraw(case):
        messages.error(request, _("This application can no longer be withdrawn."))
        return redirect("portal:case_detail", number=case.number)
    return render(
        request,
        "portal/cases/withdraw.html",
        {"case": case, "version": case.service_version, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_safe
def notice_download(request: HttpRequest, notice_id: int) -> FileResponse:
    """A notice's PDF (受理通知书, 一次性告知书, 决定书) to its applicant (or an officer who
    sees the case in full); inline unless ``?download=1``."""
    try:
        notice = case_selectors.notice_get_for_user(user=request.user, notice_id=notice_id)
    except CaseNotFound:
        raise Http404("notice") from None
    return notice_response(notice, inline=request.GET.get("download") != "1")
