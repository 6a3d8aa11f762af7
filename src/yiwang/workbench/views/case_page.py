"""The case page: what the officer sees of a case and may do on it, and the page again
with HTTP 409 when an action found the case changed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from yiwang.cases import selectors, services
from yiwang.cases.errors import CaseConflict
from yiwang.cases.models import Case
from yiwang.cases.permissions import department_officers, is_supervisor_of
from yiwang.identity.models import User
from yiwang.workbench import display
from yiwang.workbench.forms import (
    COMMAND_FORMS,
    ActionForm,
    AssignForm,
    ReassignForm,
    SupplementRequestForm,
)
from yiwang.workbench.texts import officer_step_label
from yiwang.workbench.views.common import _case, officer_required
from yiwang.workbench.views.queue_page import _case_queue_filters

#: Cases of the queue listed beside a case (after it, in the queue's order).
QUEUE_BESIDE = 12


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


def _officers(case: Case) -> QuerySet[User]:
    return department_officers(case.department).order_by("username")
