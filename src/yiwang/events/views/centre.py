"""The 12345 centre's pages: the operator console (受理) with its small JSON lookups, the
callback list (回访) and the knowledge base (知识库)."""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from yiwang.core.ids import parse_id
from yiwang.events import selectors, services
from yiwang.events.errors import EventError
from yiwang.events.forms import ArticleForm, DirectAnswerForm, IntakeForm
from yiwang.events.models import Category, Channel, KnowledgeArticle
from yiwang.events.selectors.pages import callbacks_due, open_events_near
from yiwang.events.types import Place, Reporter
from yiwang.events.views.common import (
    CENTRE,
    STAFF,
    city_roles,
    json_error,
    refusal_to_form,
    role_required,
)
from yiwang.identity.models import Role
from yiwang.portal.templatetags.portal import translated

OPERATOR = frozenset({Role.HOTLINE_OPERATOR})
SUGGESTIONS = 10


def _place(data: dict[str, Any]) -> Place:
    return Place(
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        address=data.get("address") or "",
    )


def _reporter(data: dict[str, Any], citizen: Any = None) -> Reporter:
    return Reporter(
        phone=data.get("phone") or "",
        name=data.get("name") or "",
        resident_id=data.get("resident_id") or "",
        anonymous=bool(data.get("anonymous")),
        confidential=bool(data.get("confidential")),
        citizen=citizen,
    )


@require_http_methods(["GET", "POST"])
@role_required(OPERATOR)
def console(request: HttpRequest) -> HttpResponse:
    """Register a call (受理), or answer it on the spot from the knowledge base (直办)."""
    direct = request.method == "POST" and "article" in request.POST
    form_class = DirectAnswerForm if direct else IntakeForm
    form = form_class(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    event = services.event_register(
                        actor=request.user,
                        channel=Channel.HOTLINE,
                        category=data["category"],
                        reporter=_reporter(data),
                        place=_place(data),
                        description=data["description"],
                        urgency=data["urgency"],
                    )
                    if direct:
                        article = KnowledgeArticle.objects.filter(
                            pk=data["article"], is_current=True
                        ).first()
                        if article is None:
                            form.add_error(None, _("That answer is no longer current."))
                            raise _Rollback
                        services.event_answer_directly(
                            actor=request.user, event=event, article=article, note=data["note"]
                        )
            except _Rollback:
                pass
            except EventError as error:
                status = refusal_to_form(form, error)
            else:
                if direct:
                    messages.success(
                        request,
                        _("Call %(number)s answered from the knowledge base and closed.")
                        % {"number": event.number},
                    )
                    return redirect("city:console")
                messages.success(
                    request, _("Call %(number)s registered.") % {"number": event.number}
                )
                return redirect("city:event", number=event.number)
    return render(
        request,
        "events/console.html",
        {"form": form, "direct": direct, "categories": selectors.categories_leaves()[:400]},
        status=status,
    )


class _Rollback(Exception):
    """Undo a registration whose direct answer cannot be given."""


# ----------------------------------------------------------------------- console lookups (JSON)


@require_safe
@role_required(OPERATOR, json=True)
def categories_json(request: HttpRequest) -> JsonResponse:
    """Type-ahead over the leaf categories (code, name, parent's name, keywords)."""
    query = request.GET.get("q", "")[:100]
    rows = selectors.categories_leaves(query=query)[:SUGGESTIONS]
    return JsonResponse(
        {
            "results": [
                {
                    "code": c.code,
                    "name": translated(c, "name"),
                    "parent": translated(c.parent, "name") if c.parent else "",
                }
                for c in rows
            ]
        }
    )


@require_safe
@role_required(OPERATOR, json=True)
def caller_json(request: HttpRequest) -> JsonResponse:
    """The caller's previous contacts (operators see them in full: they are the centre)."""
    phone = request.GET.get("phone", "").strip()
    if len(phone) > 20:
        return json_error(_("A phone number has at most 20 characters."), status=422, field="phone")
    return JsonResponse(
        {"results": [_event_row(e) for e in selectors.reporter_history(phone=phone)]}
    )


@require_safe
@role_required(OPERATOR, json=True)
def nearby_json(request: HttpRequest) -> JsonResponse:
    """Open events near a point: duplicates of the category (并单 proposals) when it is given,
    else any open event within 300 m."""
    try:
        latitude = float(request.GET.get("lat", ""))
        longitude = float(request.GET.get("lon", ""))
    except ValueError:
        return json_error(_("Give the point as lat and lon."), status=422, field="lat")
    if not (math.isfinite(latitude) and math.isfinite(longitude)) or not (
        -90 <= latitude <= 90 and -180 <= longitude <= 180
    ):
        return json_error(_("The point is outside WGS-84 ranges."), status=422, field="lat")
    code = request.GET.get("category", "")
    category = Category.objects.filter(code=code).first() if code else None
    place = Place(latitude=latitude, longitude=longitude)
    if category is not None:
        found = selectors.duplicates_for(category=category, place=place)[:SUGGESTIONS]
    else:
        found = open_events_near(latitude=latitude, longitude=longitude)[:SUGGESTIONS]
    return JsonResponse(
        {"duplicates": category is not None, "results": [_event_row(e) for e in found]}
    )


@require_safe
@role_required(STAFF, json=True)
def articles_json(request: HttpRequest) -> JsonResponse:
    """Knowledge base answers matching the words typed (for the console's direct answer)."""
    code = request.GET.get("category", "")
    category = Category.objects.filter(code=code).first() if code else None
    rows = selectors.articles_search(query=request.GET.get("q", "")[:200], category=category)
    return JsonResponse(
        {
            "results": [
                {"id": a.pk, "title": a.title, "body": a.body, "version": a.version}
                for a in rows[:SUGGESTIONS]
            ]
        }
    )


def _event_row(event: Any) -> dict[str, Any]:
    return {
        "number": event.number,
        "status": event.get_status_display(),
        "category": translated(event.category, "name"),
        "address": event.address,
        "created_at": event.created_at.isoformat(),
        "description": event.description[:140],
    }


# ------------------------------------------------------------------------------- callbacks


@require_safe
@role_required(OPERATOR)
def callbacks(request: HttpRequest) -> HttpResponse:
    """Answered events awaiting the centre's callback (回访), oldest answer first."""
    events = callbacks_due(user=request.user).select_related("category", "lead_department")
    return render(request, "events/callbacks.html", {"events": events[:200]})


# ----------------------------------------------------------------------------- knowledge base


@require_http_methods(["GET", "POST"])
@role_required(STAFF)
def knowledge(request: HttpRequest) -> HttpResponse:
    """Search the standard answers; the centre adds one or a new version of one."""
    query = request.GET.get("q", "")[:200]
    code = request.GET.get("category", "")
    category = Category.objects.filter(code=code).first() if code else None
    may_edit = bool(city_roles(request) & CENTRE)
    editing = None
    if (edit_id := parse_id(request.GET.get("edit", ""))) is not None:
        editing = KnowledgeArticle.objects.filter(pk=edit_id, is_current=True).first()
    form = None
    status = 200
    if may_edit:
        initial = {}
        if editing is not None:
            initial = {
                "key": editing.key,
                "category": editing.category.code,
                "title": editing.title,
                "body": editing.body,
                "keywords": editing.keywords,
            }
        form = ArticleForm(request.POST or None, initial=initial)
        if request.method == "POST":
            status = 422
            if form.is_valid():
                try:
                    article = services.article_save(actor=request.user, **form.cleaned_data)
                except EventError as error:
                    status = refusal_to_form(form, error)
                else:
                    messages.success(
                        request,
                        _("“%(title)s” saved as version %(version)s.")
                        % {"title": article.title, "version": article.version},
                    )
                    return redirect("city:knowledge")
    elif request.method == "POST":
        raise PermissionDenied(_("The knowledge base is maintained by the centre."))
    articles = selectors.articles_search(query=query, category=category)[:100]
    return render(
        request,
        "events/knowledge.html",
        {
            "articles": articles,
            "query": query,
            "category": category,
            "form": form,
            "editing": editing,
        },
        status=status,
    )
