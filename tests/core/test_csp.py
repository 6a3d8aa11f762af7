"""Every response carries a Content-Security-Policy that allows this site only."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import (
    DepartmentFactory,
    UserFactory,
    case_world,
    citizen,
    officer,
    submitted_case,
)
from yiwang.core.middleware import ContentSecurityPolicyMiddleware
from yiwang.identity.models import Role

pytestmark = pytest.mark.django_db

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/accounts/login/",
        "/accounts/register/",
        "/accounts/password-reset/",
        "/admin/login/",
        "/api/v1/docs",
        "/api/v1/openapi.json",
        "/api/v1/services",
        "/healthz",
        "/no-such-page/",
    ],
)
def test_every_response_has_the_policy(client, path):
    response = client.get(path)

    assert response["Content-Security-Policy"] == POLICY


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("citizen", "/cases/"),
        ("officer", "/workbench/"),
        ("admin", "/admin/"),
        ("admin", "/admin/identity/user/add/"),
    ],
)
def test_signed_in_pages_and_the_admin_have_it_too(client, who, path):
    people = {
        "citizen": lambda: citizen(),
        "officer": lambda: officer(DepartmentFactory(), Role.INTAKE_CLERK),
        "admin": lambda: UserFactory(is_staff=True, is_superuser=True),
    }
    client.force_login(people[who]())

    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == POLICY


def test_the_api_docs_load_swagger_from_this_site(client):
    html = client.get("/api/v1/docs").content.decode()

    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, html
    assert all(source.startswith("/static/") for source in sources), sources
    for source in sources:
        assert finders.find(source.removeprefix("/static/")), f"{source} is not a static file"
    assert "cdn" not in html.lower()


def test_the_portal_has_no_inline_script_or_style(client):
    client.force_login(citizen())

    for path in ["/", "/cases/", "/accounts/password-reset/"]:
        html = client.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert "<style" not in html, path
        assert not re.search(r'\sstyle="', html), path
        assert not re.search(r"\son[a-z]+=\"", html), path


def test_a_page_that_asks_for_a_nonce_gets_it_in_the_policy():
    template = engines["django"].from_string(
        '<script nonce="{{ request.csp_nonce }}">window.x = 1;</script>'
    )

    def view(request):
        from django.http import HttpResponse

        return HttpResponse(template.render({}, request))

    request = RequestFactory().get("/")
    response = ContentSecurityPolicyMiddleware(view)(request)

    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert len(nonce) >= 16
    assert f"script-src 'self' 'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert f"style-src 'self' 'nonce-{nonce}'" in response["Content-Security-Policy"]


def test_only_the_pdf_previews_may_be_framed_and_only_by_this_site(client):
    world = case_world()
    case = submitted_case(world)
    material = case.application.materials.first()
    client.force_login(world.clerk)

    preview = client.get(reverse("workbench:material", args=[material.pk]))
    page = client.get(reverse("workbench:case", args=[case.number]))

    assert preview.status_code == 200
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert preview["Content-Security-Policy"] == POLICY.replace(
        "frame-ancestors 'none'", "frame-ancestors 'self'"
    )
    assert page["Content-Security-Policy"] == POLICY
