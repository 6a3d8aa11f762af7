"""Rectification tasks (整改) from low ratings: supervisors list them and reply."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from yiwang.cases import selectors, services
from yiwang.cases.errors import CaseConflict
from yiwang.cases.models import RectificationTask
from yiwang.core.dbrouting import replica_reads
from yiwang.workbench.forms import RectificationReplyForm
from yiwang.workbench.views.common import _apply_errors, officer_required
from yiwang.workbench.views.queue_page import PAGE_SIZE


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
