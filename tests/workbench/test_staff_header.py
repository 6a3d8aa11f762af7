"""Issue 11: the workbench reused the citizens' portal header (All services, By topic, My
cases…). Staff pages have their own header: the staff areas this person has, the public
site one link away, their account; the portal keeps its header."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import officer
from yiwang.identity.models import Role

pytestmark = pytest.mark.django_db


def areas(html: str) -> list[str]:
    """The staff header's links, as the person reads them ("*" marks the current area)."""
    nav = html[html.index('<nav class="staff-header__areas"') :]
    nav = nav[: nav.index("</nav>")]
    return [
        ("*" if "aria-current" in attrs else "") + label
        for attrs, label in re.findall(r"<a ([^>]*)>([^<]+)</a>", nav)
    ]


def test_an_officer_works_under_the_staff_header(world, client_for):
    html = client_for(world.clerk).get(reverse("workbench:queue")).content.decode()

    assert 'class="staff-header"' in html and 'class="site-header"' not in html
    assert areas(html) == ["*Workbench", "Public site"]
    # the citizens' navigation is not in the header (the footer keeps its links); the account is
    header = html[: html.index("<main")]
    assert "By topic" not in header and "My cases" not in header and "My reports" not in header
    assert "Sign out" in header and str(world.clerk) in header


def test_an_officer_who_handles_city_events_has_both_areas(world, client_for):
    handler = officer(world.department, Role.INTAKE_CLERK, Role.DEPARTMENT_HANDLER)
    client = client_for(handler)

    workbench = client.get(reverse("workbench:queue")).content.decode()
    city = client.get(reverse("city:queue")).content.decode()

    assert areas(workbench) == ["*Workbench", "12345 City operations", "Public site"]
    assert areas(city) == ["Workbench", "*12345 City operations", "Public site"]
    assert re.search(r'<a href="/city/queue/"[^>]*>12345 City operations', workbench)


def test_the_portal_keeps_the_citizens_header_for_an_officer_too(world, client_for):
    html = client_for(world.clerk).get(reverse("portal:home")).content.decode()

    assert 'class="site-header"' in html and 'class="staff-header"' not in html
    assert "All services" in html and "Workbench" in html
