"""Template helpers of the city-operations pages: ``{% load city %}``.

``{% city_nav %}`` (the bar of the pages the user's roles open), ``{% city_light light %}``
(a card's dot and words, never colour alone), ``{{ entry.kind|entry_label }}``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yiwang.events.views.common import city_roles
from yiwang.identity.models import Role

register = template.Library()

#: (URL name, label, roles that see it), in the bar's order.
PAGES = (
    ("city:console", _("Console"), {Role.HOTLINE_OPERATOR}),
    ("city:callbacks", _("Callbacks"), {Role.HOTLINE_OPERATOR}),
    ("city:queue", _("My queue"), {Role.DEPARTMENT_HANDLER}),
    ("city:board", _("Supervision board"), {Role.SUPERVISOR}),
    ("city:knowledge", _("Knowledge base"), {
        Role.HOTLINE_OPERATOR, Role.SUPERVISOR, Role.DEPARTMENT_HANDLER, Role.CITY_LEADER
    }),
    ("city:map", _("Map"), {
        Role.HOTLINE_OPERATOR, Role.SUPERVISOR, Role.DEPARTMENT_HANDLER, Role.CITY_LEADER
    }),
    ("city:integrator", _("Open311 keys"), {Role.INTEGRATOR}),
)  # fmt: skip

LIGHTS = {
    "green": _("On time"),
    "yellow": _("Yellow card"),
    "red": _("Red card"),
    "closed": _("Closed"),
}

ENTRY_LABELS = {
    "registered": _("Registered"),
    "answered_directly": _("Answered on the spot"),
    "dispatched": _("Dispatched"),
    "signed": _("Signed for"),
    "returned": _("Returned to the centre"),
    "reassigned": _("Reassigned"),
    "disputed": _("Dispatch disputed"),
    "arbitrated": _("Arbitrated"),
    "escalated": _("Sent to arbitration"),
    "note": _("Progress"),
    "replied": _("Answered"),
    "extension_requested": _("Extension requested"),
    "extension_approved": _("Extension approved"),
    "extension_refused": _("Extension refused"),
    "supervision_issued": _("Supervision order issued"),
    "supervision_answered": _("Supervision order answered"),
    "called_back": _("Callback"),
    "reopened": _("Reopened"),
    "closed": _("Closed"),
    "merged": _("Merged"),
    "split": _("Taken out of a merge"),
    "card_yellow": _("Yellow card"),
    "card_red": _("Red card"),
    "card_cleared": _("Card cleared"),
    "alarm_repeated": _("Alarm repeated"),
    "merged_from": _("Another report merged in"),
    "split_off": _("A merged report taken out"),
}


def _pages_held(request: Any) -> list[tuple[str, str]]:
    """The city-operations pages (URL, label) the signed-in person's roles open, in order."""
    held = city_roles(request)
    return [(reverse(name), str(label)) for name, label, roles in PAGES if held & roles]


@register.inclusion_tag("events/includes/nav.html", takes_context=True)
def city_nav(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    links = [
        {"url": url, "label": label, "current": request.path == url}
        for url, label in _pages_held(request)
    ]
    return {"links": links}


@register.simple_tag(takes_context=True)
def city_home_url(context: template.Context) -> str:
    """The first city-operations page this person has (the staff header's link), or ""."""
    request = context.get("request")
    pages = _pages_held(request) if request is not None else []
    return pages[0][0] if pages else ""


@register.inclusion_tag("workbench/includes/light.html")
def city_light(value: str) -> dict[str, Any]:
    value = value or "closed"
    return {"light": value, "label": LIGHTS.get(value, value)}


@register.filter
def entry_label(kind: str) -> str:
    return str(ENTRY_LABELS.get(kind, kind.replace("_", " ")))
