"""Where a user lands after signing in: the page of their work (one rule, used by the login
page and ``/city/start/``).

The first role in :data:`LANDINGS` the user holds decides: licensing officers their case
queue, the 12345 hotline operator the console, a supervisor the board (督办), a department
handler (city bureau or district office) the event queue, the city leader the live map, an
integrator their Open311 page, a catalog administrator the admin. Everyone else (citizens,
enterprises) lands on the portal's home page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yiwang.identity.models import Role
from yiwang.identity.selectors import role_pairs

#: (roles, URL name), in order: the first the user holds wins.
LANDINGS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({Role.INTAKE_CLERK, Role.REVIEWER, Role.APPROVER}), "workbench:queue"),
    (frozenset({Role.HOTLINE_OPERATOR}), "city:console"),
    (frozenset({Role.SUPERVISOR}), "city:board"),
    (frozenset({Role.DEPARTMENT_HANDLER}), "city:queue"),
    (frozenset({Role.CITY_LEADER}), "city:map"),
    (frozenset({Role.INTEGRATOR}), "city:integrator"),
    (frozenset({Role.CATALOG_ADMIN}), "admin:index"),
)
HOME = "portal:home"

#: URL name → the page's name as its users know it (the error pages point there).
TITLES: dict[str, Promise] = {
    "workbench:queue": _("the case workbench (办件工作台)"),
    "city:console": _("the 12345 hotline console"),
    "city:board": _("the supervision board (督办)"),
    "city:queue": _("the event queue"),
    "city:map": _("the city's live map"),
    "city:integrator": _("the integrator's page"),
    "admin:index": _("the administration (service catalog, calendar)"),
    HOME: _("the home page"),
}


@dataclass(frozen=True)
class Landing:
    url: str
    title: str
    home: bool  # the portal's home page: the user has no page of their own


def landing_page(user: Any) -> Landing:
    """The page ``user`` starts at, with its name (the portal's home for anyone without a
    role that has a page of its own). The roles are :func:`role_pairs`'s: none for an
    anonymous or inactive user, none in a deactivated department; one query, none when
    the request already read them."""
    held = {role for role, _department in role_pairs(user)}
    name = next((n for roles, n in LANDINGS if held & roles), HOME)
    return Landing(url=reverse(name), title=str(TITLES[name]), home=name == HOME)


def landing_url(user: Any) -> str:
    """The path ``user`` starts at (see ``landing_page``)."""
    return landing_page(user).url
