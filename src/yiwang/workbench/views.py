"""Officer-facing pages of 一网通办: the department queue, the case page and its actions.

Every page needs a signed-in officer (an officer role in at least one
department, 403 otherwise). What an officer sees is limited by the
``yiwang.cases`` selectors (their departments only), and every change goes
through one ``yiwang.cases`` service. Actions are POSTs carrying the case
version the officer saw; a stale one re-renders the case page with HTTP 409.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST, require_safe

from yiwang.cases import selectors, services
from yiwang.cases.downloads import material_response, notice_response
from yiwang.cases.errors import CaseConflict, CaseNotFound, InvalidCursor, WorkflowConflict
from yiwang.cases.models import Case, RectificationTask
from yiwang.cases.permissions import (
    department_officers,
    is_supervisor_of,
    officer_department_ids,
)
from yiwang.catalog.selectors import published_versions
from yiwang.core.dbrouting import replica_reads
from yiwang.identity.models import Role, User
from yiwang.identity.selectors import officer_assignments
from yiwang.notifications import texts as notification_texts
from yiwang.portal.templatetags.portal import translated
from yiwang.workbench import display
from yiwang.workbench.forms import (
    COMMAND_FORMS,
    ActionForm,
    AssignForm,
    QueueFilterForm,
    ReassignForm,
    RectificationReplyForm,
    SupplementRequestForm,
)
from yiwang.workbench.texts import officer_step_label

PAGE_SIZE = 50
#: Cases of the queue listed beside a case (after it, in the queue's order).
QUEUE_BESIDE = 12

View = Callable[..., HttpResponse]


def officer_required(view: View) -> View:
    """Signed in (else the login page) and an officer of some department (else 403)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assignments = officer_assignments(request.user)
        if not assignments:
            raise PermissionDenied(_("The workbench is for officers of a department."))
        departments = {a.department_id: a.department for a in assignments}
        request.officer_departments = sorted(departments.values(), key=lambda d: d.code)  # type: ignore[attr-defined]
        request.is_supervisor = any(a.role == Role.SUPERVISOR for a in assignments)  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped


def _case(request: HttpRequest, number: str) -> Case:
    try:
        return selectors.case_get_for_officer(officer=request.user, number=number)
    except CaseNotFound as exc:
        raise Http404(str(exc)) from exc


# --------------------------------------------------------------------------------- the queue


#: The queue's filters as a query string carries them (queue links, the case page's keys).
QUEUE_PARAMS = ("service", "step", "light", "assignee", "sort")


def _filters_of(form: QueueFilterForm) -> tuple[selectors.CaseFilters, str]:
    """The queue's filters from its (validated) form, and as a query string."""
    filters = selectors.CaseFilters(
        service_code=form.value("service") or None,
        step=form.value("step") or None,
        light=form.value("light") or None,
        assignee=form.value("assignee") or None,
        sort=form.value("sort") or "due",
    )
    query = QueryDict(mutable=True)
    for name in QUEUE_PARAMS:
        if form.value(name):
            query[name] = form.value(name)
    return filters, query.urlencode()


def _queue_filters(request: HttpRequest) -> tuple[QueueFilterForm, selectors.CaseFilters, str]:
    """The queue filters of the request (invalid values ignored), and their query string."""
    officer = request.user
    services_offered = (
        published_versions()
        .prefetch_related(None)
        .filter(item__department_id__in=officer_department_ids(officer))
    )
    form = QueueFilterForm(
        request.GET,
        services=[(v.item.code, translated(v, "name")) for v in services_offered],
    )
    return form, *_filters_of(form)


def _case_queue_filters(request: HttpRequest) -> tuple[selectors.CaseFilters, str]:
    """The queue filters a case page was opened from (the queue's links carry them), for
    its next and previous case: :func:`_queue_filters` without the services' names."""
    code = request.GET.get("service", "")
    form = QueueFilterForm(request.GET, services=[(code, code)] if code else [])
    return _filters_of(form)


@require_safe
@officer_required
@replica_reads
def queue(request: HttpRequest) -> HttpResponse:
    officer = request.user
    form, filters, query = _queue_filters(request)
    # The departments officer_required found (the same rule), as literal ids for the planner.
    department_ids = [d.pk for d in request.officer_departments]  # type: ignore[attr-defined]
    cursor = request.GET.get("cursor") or None
    try:
        page = selectors.case_queue_page(
            officer=officer,
            filters=filters,
            cursor=cursor,
            size=PAGE_SIZE,
            department_ids=department_ids,
        )
    except InvalidCursor:
        messages.warning(request, _("That page link is out of date: here is the first page."))
        cursor = None
        page = selectors.case_queue_page(
            officer=officer, filters=filters, size=PAGE_SIZE, department_ids=department_ids
        )
    cap = selectors.QUEUE_COUNT_CAP
    rows = [
        {
            "case": case,
            "applicant": display.applicant_name(case),
            "step": officer_step_label(case.step),
        }
        for case in page.rows
    ]
    return render(
        request,
        "workbench/queue.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "count": selectors.case_queue_count(
                officer=officer, filters=filters, cap=cap, department_ids=department_ids
            ),
            "cap": cap,
            "counts": selectors.case_queue_counts(
                officer=officer, department_ids=department_ids, cap=cap
            ),
            "departments": request.officer_departments,  # type: ignore[attr-defined]
            "query": query,
            "first_page": cursor is None,
            "filtered": any(form.value(n) for n in ("service", "step", "light", "assignee")),
        },
    )


# ------------------------------------------------------------------------------ the case page


def _command_form(command: str, case: Case, data: Any = None) -> ActionForm:
    form_class = COMMAND_FORMS[command]
    kwargs: dict[str, Any] = {"initial": {"expected_version": case.version}}
    if form_class is SupplementRequestForm:
        kwargs["materials"] = case.service_version.materials.order_by("order", "id")
    return form_class(data, **kwargs)


def _render_case(
    request: HttpRequest,
    case: Case,
    *,
    bound: dict[str, Form] | None = None,
    conflict: str = "",
    conflict_detail: str = "",
    status: int = 200,
) -> HttpResponse:
    officer = request.user
    bound = bound or {}
    actions = [
        (allowed, bound.get(allowed.name) or _command_form(allowed.name, case))
        for allowed in selectors.case_allowed_commands(case=case, officer=officer)
        if allowed.name in COMMAND_FORMS
    ]
    full = selectors.case_personal_data_full(user=officer, case=case)
    if full:
        services.case_personal_data_view_record(actor=officer, case=case)
    supervisor = is_supervisor_of(officer, case.department_id)
    is_open = case.closed_at is None
    officers = _officers(case)
    materials = [
        {"row": m, "preview": display.preview_kind(m), "size": display.file_size(m.size)}
        for m in selectors.case_materials(case, include_superseded=True)
    ]
    timeline = selectors.case_timeline(case, public_only=False)
    clock = selectors.case_clock(case)
    filters, query = _case_queue_filters(request)
    around = selectors.case_queue_neighbours(
        officer=officer,
        case=case,
        filters=filters,
        after=QUEUE_BESIDE,
        department_ids=[d.pk for d in getattr(request, "officer_departments", ())] or None,
    )
    return render(
        request,
        "workbench/case_detail.html",
        {
            "case": case,
            "queue_query": query,
            "queue_previous": around.previous,
            "queue_next": around.following[0] if around.following else None,
            "queue_following": around.following,
            "step": officer_step_label(case.step),
            "light": selectors.case_light(case),
            "clock": clock,
            "steps": selectors.case_steps(case),
            "overdue_days": -(clock.remaining_working_days or 0),
            "timeline": timeline,
            "officer_names": display.officer_names(timeline),
            "materials": materials,
            "notices": selectors.case_notices(case) if full else [],
            "answers": display.form_answers(
                case.service_version.form_schema, case.application.form_data, full=full
            ),
            "facts": display.applicant_facts(case, full=full),
            "full_personal_data": full,
            "actions": actions,
            "review": selectors.case_review_opinion(case),
            "decision": display.related_or_none(case, "decision"),
            "rating": display.related_or_none(case, "rating"),
            "can_claim": is_open and case.assignee_id is None,
            "assign_form": bound.get("assign")
            or (AssignForm(officers=officers) if supervisor and is_open else None),
            "reassign_form": bound.get("reassign")
            or (
                ReassignForm(officers=officers.exclude(pk=case.assignee_id))
                if is_open
                and case.assignee_id is not None
                and (supervisor or case.assignee_id == officer.pk)
                else None
            ),
            "conflict": conflict,
            "conflict_detail": conflict_detail,
            "error_forms": [f for f in bound.values() if f.errors],
        },
        status=status,
    )


@require_safe
@officer_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _render_case(request, _case(request, number))


def _conflict(request: HttpRequest, number: str, exc: Exception) -> HttpResponse:
    """The case as it is now, with what happened (HTTP 409)."""
    if isinstance(exc, CaseConflict):
        title = _("This action is no longer possible — here is the current state of the case.")
        detail = exc.message
    else:
        title = _("This case was changed by someone else — here is the current state.")
        detail = _("Check the timeline below, then act again if it is still needed.")
    return _render_case(
        request, _case(request, number), conflict=title, conflict_detail=detail, status=409
    )


def _apply_errors(form: Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: by field where it has one, else on top."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


#: Flash message after each action (lazy: rendered in the language of the request).
DONE = {
    "accept": gettext_lazy("The application was accepted."),
    "reject": gettext_lazy("The application was not accepted. The applicant is told why."),
    "request_supplement": gettext_lazy(
        "The request for supplements was sent. The clock is stopped."
    ),
    "start_special_procedure": gettext_lazy(
        "The special procedure started. The applicant is told."
    ),
    "finish_special_procedure": gettext_lazy("The special procedure ended. The clock runs again."),
    "record_inspection": gettext_lazy("The site inspection was recorded."),
    "review": gettext_lazy("The review opinion was recorded. The approver decides next."),
    "return_for_review": gettext_lazy("The case was sent back for further review."),
    "extend": gettext_lazy("The time limit was extended."),
    "approve": gettext_lazy("The application was approved."),
    "deny": gettext_lazy("The application was denied. The applicant is told why."),
    "issue_certificate": gettext_lazy("The certificate was issued."),
    "complete": gettext_lazy("The case is completed."),
}


#: Legal decisions (准予许可, 不予许可, 不予受理, 办结): asked to confirm on a page of their own,
#: showing what the applicant will receive, before the command runs. The notification
#: kind the applicant gets and the context it is rendered with.
CONFIRMED: dict[str, tuple[str, dict[str, str]]] = {
    "approve": ("decided", {"outcome": "approved"}),
    "deny": ("decided", {"outcome": "denied"}),
    "reject": ("rejected", {}),
    "complete": ("completed", {}),
}

#: 行政复议法 第二十条 (sixty days) and 行政诉讼法 第四十六条 (six months).
REMEDIES = gettext_lazy(
    "The applicant may apply for administrative reconsideration within 60 days of "
    "receiving the decision, or bring an administrative lawsuit within 6 months."
)


def _confirm(request: HttpRequest, case: Case, command: str, form: ActionForm) -> HttpResponse:
    """The confirmation page of a legal decision: the applicant's notification as it will be
    sent (the notifications app's own text), the remedies for a refusal, and the form again
    with ``confirmed=1``."""
    kind, context = CONFIRMED[command]
    fields = form.service_fields()
    values = {
        "number": case.number,
        **context,
        **{k: str(v) for k, v in fields.items() if v not in (None, "")},
    }
    title, body = notification_texts.render(kind, values, get_language() or "zh-hans")
    carried = [
        (name, value)
        for name, values_ in request.POST.lists()
        if name not in {"csrfmiddlewaretoken", "confirmed"}
        for value in values_
    ]
    titles = {
        a.name: a.title for a in selectors.case_allowed_commands(case=case, officer=request.user)
    }
    return render(
        request,
        "workbench/confirm.html",
        {
            "case": case,
            "command": command,
            "title": titles.get(command, command),
            "button": form.button,
            "preview_title": title,
            "preview_body": body,
            "remedies": REMEDIES if command in {"deny", "reject"} else "",
            "carried": carried,
        },
    )


@require_POST
@officer_required
def case_command(request: HttpRequest, number: str, command: str) -> HttpResponse:
    case = _case(request, number)
    if command not in COMMAND_FORMS:
        raise Http404(_("No such action."))
    form = _command_form(command, case, request.POST)
    if not form.is_valid():
        return _render_case(request, case, bound={command: form}, status=422)
    if (
        command in CONFIRMED
        and request.POST.get("confirmed") != "1"
        and command
        in {a.name for a in selectors.case_allowed_commands(case=case, officer=request.user)}
    ):  # else the service refuses it below (403 for the role, 409 at this step)
        seen = form.cleaned_data["expected_version"]
        if seen != case.version:  # someone acted meanwhile: the case as it is now, not a preview
            stale = WorkflowConflict(
                instance_id=case.workflow_instance_id,
                expected_version=seen,
                current_version=case.version,
            )
            return _conflict(request, number, stale)
        return _confirm(request, case, command, form)
    try:
        services.case_command(
            case=case,
            actor=request.user,
            command=command,
            fields=form.service_fields(),
            expected_version=form.cleaned_data["expected_version"],
        )
    except (WorkflowConflict, CaseConflict) as exc:
        return _conflict(request, number, exc)
    except ValidationError as exc:
        _apply_errors(form, exc)
        return _render_case(request, case, bound={command: form}, status=422)
    messages.success(request, str(DONE[command]))
    return redirect("workbench:case", number=number)


# ------------------------------------------------------------------------------- assignment


def _back(request: HttpRequest, number: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("workbench:case", kwargs={"number": number})


@require_POST
@officer_required
def case_claim(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    from_queue = bool(request.POST.get("next"))
    try:
        services.case_claim(case=case, officer=request.user)
    except CaseConflict as exc:
        if from_queue:
            messages.error(request, exc.message)
            return redirect(_back(request, number))
        return _conflict(request, number, exc)
    messages.success(request, _("You took case %(number)s.") % {"number": case.number})
    return redirect(_back(request, number))


def _officers(case: Case) -> QuerySet[User]:
    return department_officers(case.department).order_by("username")


@require_POST
@officer_required
def case_assign(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    if not is_supervisor_of(request.user, case.department_id):
        raise PermissionDenied(_("Only a supervisor of the department may assign cases."))
    form = AssignForm(request.POST, officers=_officers(case))
    if not form.is_valid():
        return _render_case(request, case, bound={"assign": form}, status=422)
    try:
        services.case_assign(
            case=case, supervisor=request.user, assignee=form.cleaned_data["assignee"]
        )
    except CaseConflict as exc:
        return _conflict(request, number, exc)
    except ValidationError as exc:
        _apply_errors(form, exc)
        return _render_case(request, case, bound={"assign": form}, status=422)
    messages.success(request, _("The case was assigned."))
    return redirect("workbench:case", number=number)


@require_POST
@officer_required
def case_reassign(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    form = ReassignForm(request.POST, officers=_officers(case))
    if not form.is_valid():
        return _render_case(request, case, bound={"reassign": form}, status=422)
    try:
        services.case_reassign(
            case=case,
            actor=request.user,
            assignee=form.cleaned_data["assignee"],
            reason=form.cleaned_data["reason"],
        )
    except CaseConflict as exc:
        return _conflict(request, number, exc)
    except ValidationError as exc:
        _apply_errors(form, exc)
        return _render_case(request, case, bound={"reassign": form}, status=422)
    messages.success(request, _("The case was reassigned."))
    return redirect("workbench:case", number=number)


# ---------------------------------------------------------------------------------- files


@require_safe
@officer_required
@xframe_options_sameorigin
def material_file(request: HttpRequest, material_id: int) -> FileResponse:
    """An uploaded file of a case of the officer's department: inline, or ``?download=1``.

    Served same-origin frameable so the case page can preview PDFs; each
    opening is a personal-data view (``services.material_view_record``); an
    officer who sees the case masked may not open it (403).
    """
    try:
        row = selectors.material_get_for_user(user=request.user, material_id=material_id)
    except CaseNotFound as exc:
        raise Http404(str(exc)) from exc
    if row.case is None:
        raise Http404(_("No such document."))
    services.material_view_record(actor=request.user, material=row)
    inline = not request.GET.get("download") and row.content_type != "application/ofd"
    return material_response(row, inline=inline)


@require_safe
@officer_required
@xframe_options_sameorigin
def notice_file(request: HttpRequest, notice_id: int) -> FileResponse:
    """A notice issued on a case of the officer's department (inline, or ``?download=1``),
    for the officers who see the case in full (403 for the others)."""
    try:
        notice = selectors.notice_get_for_user(user=request.user, notice_id=notice_id)
    except CaseNotFound as exc:
        raise Http404(str(exc)) from exc
    return notice_response(notice, inline=not request.GET.get("download"))


# ------------------------------------------------------------------------ rectifications


def _require_supervisor(request: HttpRequest) -> None:
    if not request.is_supervisor:  # type: ignore[attr-defined]
        raise PermissionDenied(_("Rectification tasks are for supervisors."))


def _render_rectifications(
    request: HttpRequest,
    *,
    bound: RectificationReplyForm | None = None,
    bound_id: int = 0,
    status: int = 200,
) -> HttpResponse:
    show = request.GET.get("status", "open")
    tasks = selectors.rectification_tasks_for_supervisor(
        supervisor=request.user,
        status=show if show in RectificationTask.Status.values else None,
    ).select_related("rating__case__service_version__item")
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "task": task,
            "form": bound
            if bound is not None and task.pk == bound_id
            else RectificationReplyForm(auto_id=f"id_reply_{task.pk}_%s"),
        }
        for task in page.object_list
    ]
    return render(
        request,
        "workbench/rectifications.html",
        {
            "page": page,
            "rows": rows,
            "show": show if show in RectificationTask.Status.values else "all",
            "statuses": RectificationTask.Status.choices,
            "bound": bound,
            "now": timezone.now(),
        },
        status=status,
    )


@require_safe
@officer_required
@replica_reads
def rectifications(request: HttpRequest) -> HttpResponse:
    _require_supervisor(request)
    return _render_rectifications(request)


@require_POST
@officer_required
def rectification_reply(request: HttpRequest, task_id: int) -> HttpResponse:
    _require_supervisor(request)
    task = (
        selectors.rectification_tasks_for_supervisor(supervisor=request.user)
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise Http404(_("No such task."))
    form = RectificationReplyForm(request.POST, auto_id=f"id_reply_{task.pk}_%s")
    if form.is_valid():
        try:
            services.rectification_reply(
                task=task, supervisor=request.user, reply=form.cleaned_data["reply"]
            )
        except CaseConflict as exc:
            messages.error(request, exc.message)
            return redirect("workbench:rectifications")
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Your reply was sent to the applicant."))
            return redirect("workbench:rectifications")
    return _render_rectifications(request, bound=form, bound_id=task.pk, status=422)
