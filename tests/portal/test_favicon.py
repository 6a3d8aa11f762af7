"""Every page names the site's icon, and /favicon.ico (asked for by browsers on pages that
name none, like the admin's) leads to the same icon instead of a logged 404."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_sites_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("portal/favicon.svg")
    icon = finders.find("portal/favicon.svg")
    assert icon is not None
    with open(icon, encoding="utf-8") as svg:
        assert svg.read().startswith("<svg")


def test_the_pages_name_the_same_icon(client):
    page = client.get("/").content.decode()

    assert 'rel="icon" type="image/svg+xml"' in page
    assert "portal/favicon.svg" in page
