"""Citizen-facing pages of 一网通办: home, search, catalog browsing and service guides.

Every view reads through ``yiwang.catalog.selectors`` and renders; nothing here writes.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from yiwang.cases.downloads import stored_file_response
from yiwang.catalog import selectors
from yiwang.catalog.models import ServiceVersion, Topic
from yiwang.catalog.selectors import CatalogFilters, ServiceNotFound
from yiwang.core.dbrouting import replica_reads
from yiwang.portal.forms import CatalogFilterForm

PAGE_SIZE = 20
HOME_POPULAR_COUNT = 8


def _filter_form(request: HttpRequest) -> CatalogFilterForm:
    form = CatalogFilterForm(
        request.GET,
        departments=selectors.departments_with_services(),
        topics=selectors.topics_with_counts(),
    )
    form.is_valid()  # errors are shown in the page's error summary; valid filters still apply
    return form


def _services_page(
    request: HttpRequest, template: str, filters: CatalogFilters, **context: object
) -> HttpResponse:
    """A paginated list of published services (filtered, a department's, a topic's)."""
    versions = selectors.published_versions(filters)
    page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, template, {**context, "page": page, "result_count": page.paginator.count}
    )


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    departments = list(selectors.departments_with_services())
    online = selectors.published_versions(CatalogFilters(fully_online=True))
    return render(
        request,
        "portal/home.html",
        {
            "person_topics": selectors.topics_with_counts(Topic.Audience.PERSON),
            "business_topics": selectors.topics_with_counts(Topic.Audience.BUSINESS),
            "departments": departments,
            "popular": selectors.popular_services(limit=HOME_POPULAR_COUNT),
            "service_count": selectors.published_item_count(),
            "online_count": online.count(),
            "department_count": len(departments),
        },
    )


@require_safe
@replica_reads
def search(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    query = form.query().strip()
    results = selectors.catalog_search(query, form.filters()) if query else []
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/search.html",
        {
            "form": form,
            "query": query,
            "page": page,
            "result_count": len(results),
            "topics": selectors.topics_for_query(query) if query else [],
        },
    )


@require_safe
@replica_reads
def service_list(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    return _services_page(request, "portal/service_list.html", form.filters(), form=form)


@require_safe
def department_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/department_list.html",
        {"departments": selectors.departments_with_services()},
    )


@require_safe
def department_detail(request: HttpRequest, code: str) -> HttpResponse:
    department = selectors.department_by_code(code)
    if department is None:
        raise Http404(code)
    return _services_page(
        request,
        "portal/department_detail.html",
        CatalogFilters(department=code),
        department=department,
    )


@require_safe
def topic_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/topic_list.html",
        {
            "person_topics": selectors.topics_with_counts(Topic.Audience.PERSON),
            "business_topics": selectors.topics_with_counts(Topic.Audience.BUSINESS),
        },
    )


@require_safe
def topic_detail(request: HttpRequest, code: str) -> HttpResponse:
    topic = selectors.topic_by_code(code)
    if topic is None:
        raise Http404(code)
    return _services_page(
        request, "portal/topic_detail.html", CatalogFilters(topic=code), topic=topic
    )


@require_safe
def service_guide(request: HttpRequest, code: str, number: int | None = None) -> HttpResponse:
    """The service guide (办事指南): the current version, or an earlier one by number."""
    try:
        version = selectors.service_guide(code, number)
        versions = selectors.service_versions(code)
    except ServiceNotFound:
        raise Http404(code) from None
    if number is not None and version.status == ServiceVersion.Status.PUBLISHED:
        return redirect("portal:service_guide", code=code)
    return render(
        request,
        "portal/service_guide.html",
        {
            "version": version,
            "department": version.item.department,
            "versions": versions,
            "is_superseded": version.status == ServiceVersion.Status.SUPERSEDED,
        },
    )


@require_safe
def guide_file(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """A file of the current service guide: the result's sample, the blank or the sample form."""
    try:
        found = selectors.guide_file(code, kind)
    except ServiceNotFound:
        raise Http404(code) from None
    return stored_file_response(
        found.file, content_type=found.content_type, filename=found.filename
    )


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/accessibility.html")


@require_safe
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask every site for /favicon.ico (the admin's pages name no icon): the site's
    one icon, the portal's (its URL read at request time, from the static files' manifest)."""
    return HttpResponsePermanentRedirect(static("portal/favicon.svg"))
