"""The department queue: its filters (a form, and as a query string) and its keyset pages."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from yiwang.cases import selectors
from yiwang.cases.errors import InvalidCursor
from yiwang.cases.permissions import officer_department_ids
from yiwang.catalog.selectors import published_versions
from yiwang.core.dbrouting import replica_reads
from yiwang.portal.templatetags.portal import translated
from yiwang.workbench import display
from yiwang.workbench.forms import QueueFilterForm
from yiwang.workbench.texts import officer_step_label
from yiwang.workbench.views.common import officer_required

PAGE_SIZE = 50


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
    # The filtered count with the light counts, in one statement.
    counts = selectors.case_queue_counts(
        officer=officer, filters=filters, cap=cap, department_ids=department_ids
    )
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
            "count": counts.matching,
            "cap": cap,
            "counts": counts,
            "departments": request.officer_departments,  # type: ignore[attr-defined]
            "query": query,
            "first_page": cursor is None,
            "filtered": any(form.value(n) for n in ("service", "step", "light", "assignee")),
        },
    )
