"""Where a user lands after signing in: the page of their work (one rule, used by the login
page and ``/city/start/``).

The first role in :data:`LANDINGS` the user holds decides: licensing officers their case
queue, the 12345 hotline operator the console, a supervisor the board (督办), a department
handler (city bureau or district office) the event queue, the city leader the live map, an
integrator their Open311 page. Everyone else (citizens, enterprises) lands on the portal's
home page.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from yiwang.identity.models import Role, RoleAssignment

#: (roles, URL name), in order: the first the user holds wins.
LANDINGS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({Role.INTAKE_CLERK, Role.REVIEWER, Role.APPROVER}), "workbench:queue"),
    (frozenset({Role.HOTLINE_OPERATOR}), "city:console"),
    (frozenset({Role.SUPERVISOR}), "city:board"),
    (frozenset({Role.DEPARTMENT_HANDLER}), "city:queue"),
    (frozenset({Role.CITY_LEADER}), "city:map"),
    (frozenset({Role.INTEGRATOR}), "city:integrator"),
)
HOME = "portal:home"


def landing_url(user: Any) -> str:
    """The path ``user`` starts at (one query; the portal's home for anyone without a role
    that has a page of its own). A role in a deactivated department counts for nothing."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return reverse(HOME)
    held = set(
        RoleAssignment.objects.filter(user_id=user.pk)
        .exclude(department__is_active=False)
        .values_list("role", flat=True)
    )
    for roles, name in LANDINGS:
        if held & roles:
            return reverse(name)
    return reverse(HOME)
