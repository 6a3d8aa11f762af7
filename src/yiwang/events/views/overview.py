"""The live map of open events (offline: vendored Leaflet and the districts' boundaries, no
tiles), the leader's counts, the integrator's page, and where each role lands after signing
in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from yiwang.events.models import Category, Status
from yiwang.events.selectors.pages import api_keys_of, district_features, map_points, open_counts
from yiwang.events.views.common import STAFF, role_required
from yiwang.identity.landing import landing_url
from yiwang.identity.models import Role
from yiwang.portal.templatetags.portal import translated

INTEGRATOR = frozenset({Role.INTEGRATOR})


@require_safe
@role_required(STAFF)
def map_page(request: HttpRequest) -> HttpResponse:
    """The map of open events by category and light, with the counts (the leader's page)."""
    counts = open_counts(user=request.user)
    statuses = [(label, counts["by_status"].get(value, 0)) for value, label in Status.choices]
    roots = Category.objects.filter(parent__isnull=True, is_active=True).order_by("code")
    return render(
        request,
        "events/map.html",
        {
            "counts": counts,
            "statuses": [row for row in statuses if row[1]],
            "categories": [(c.code, translated(c, "name")) for c in roots],
        },
    )


@require_safe
@never_cache
@role_required(STAFF, json=True)
def map_data(request: HttpRequest) -> JsonResponse:
    """The points of the map as JSON (the page polls it: a live map)."""
    points = map_points(user=request.user, category=request.GET.get("category", "")[:30])
    english = getattr(request, "LANGUAGE_CODE", "") == "en"
    return JsonResponse(
        {
            "events": [
                {
                    "number": p["number"],
                    "lat": p["latitude"],
                    "lon": p["longitude"],
                    "light": p["light"],
                    "status": p["status"],
                    "category": p["category__code"],
                    "name": (p["category__name_en"] if english else "") or p["category__name_zh"],
                }
                for p in points
            ]
        }
    )


@require_safe
@role_required(STAFF, json=True)
def districts_geojson(request: HttpRequest) -> JsonResponse:
    """The loaded district boundaries (the map's only layer under the markers)."""
    response = JsonResponse(district_features())
    response["Content-Type"] = "application/geo+json"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_safe
@role_required(INTEGRATOR)
def integrator(request: HttpRequest) -> HttpResponse:
    """The integrator's page: their Open311 keys (never the key itself) and the docs."""
    return render(request, "events/integrator.html", {"keys": api_keys_of(user=request.user)})


@require_safe
@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """Where the signed-in user starts (``identity.landing``)."""
    return redirect(landing_url(request.user))
