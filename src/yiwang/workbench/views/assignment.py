"""Who works a case: an officer claims it, a supervisor assigns it, either reassigns it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiwang.cases import services
from yiwang.cases.errors import CaseConflict
from yiwang.cases.permissions import is_supervisor_of
from yiwang.workbench.forms import AssignForm, ReassignForm
from yiwang.workbench.views.case_page import _conflict, _officers, _render_case
from yiwang.workbench.views.common import _apply_errors, _case, officer_required


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
