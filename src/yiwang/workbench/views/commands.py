"""Workflow actions on a case, and the confirmation page shown before a legal decision
(准予许可, 不予许可, 不予受理, 办结) with the notification the applicant will receive.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yiwang.cases import selectors, services
from yiwang.cases.errors import CaseConflict, WorkflowConflict
from yiwang.cases.models import Case, CaseNotice
from yiwang.notifications import texts as notification_texts
from yiwang.notifications.services import user_language
from yiwang.workbench.forms import COMMAND_FORMS, ActionForm
from yiwang.workbench.views.case_page import _command_form, _conflict, _render_case
from yiwang.workbench.views.common import _apply_errors, _case, officer_required

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
#: showing what the applicant will receive, before the command runs: the notification (its
#: kind and the context it is rendered with) and the written decision the act issues (a
#: ``CaseNotice.Kind``; none for 办结, which the notification alone tells).
CONFIRMED: dict[str, tuple[str, dict[str, str], str]] = {
    "approve": ("decided", {"outcome": "approved"}, CaseNotice.Kind.APPROVAL),
    "deny": ("decided", {"outcome": "denied"}, CaseNotice.Kind.DENIAL),
    "reject": ("rejected", {}, CaseNotice.Kind.REFUSAL_TO_ACCEPT),
    "complete": ("completed", {}, ""),
}


def _confirm(request: HttpRequest, case: Case, command: str, form: ActionForm) -> HttpResponse:
    """The confirmation page of a legal decision: the applicant's notification as it will be
    sent (the notifications app's own text, in the applicant's language), the written
    decision as it will be issued (the same template, values and number; its remedies
    for a refusal), and the form again with ``confirmed=1``."""
    kind, context, notice_kind = CONFIRMED[command]
    fields = form.service_fields()
    given = {k: str(v).strip() for k, v in fields.items() if v not in (None, "")}
    values = {"number": case.number, **context, **given}
    title, body = notification_texts.render(kind, values, user_language(case.applicant))
    document = (
        services.notice_preview(
            case=case,
            kind=notice_kind,
            context={key: given.get(key, "") for key in ("reason", "legal_basis")},
        )
        if notice_kind
        else None
    )
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
            "document": document,
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
