"""The site's 403, 404 and 500 pages: styled, bilingual, with a way back; a 403 is one
warning line in the log, not a traceback."""

from __future__ import annotations

import logging
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import include, path

from tests.factories import DepartmentFactory, citizen, officer
from yiwang.identity.models import Role


def _boom(request):
    raise RuntimeError("the database is on fire")


def _forbidden(request):
    raise PermissionDenied("no")


# A URLconf of the site plus two views that fail, with the site's error handlers
# (pytest.mark.urls points at this module).
urlpatterns = [
    path("test-boom/", _boom),
    path("test-forbidden/", _forbidden),
    path("", include("yiwang.urls")),
]
handler403 = "yiwang.api.edge.permission_denied"
handler404 = "yiwang.api.edge.page_not_found"
handler500 = "yiwang.api.edge.server_error"


def visitor(language: str, user=None) -> Client:
    client = Client(raise_request_exception=False)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    if user is not None:
        client.force_login(user)
    return client


def text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", html)


def links(response) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', response.content.decode()))


# --- 404 -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading"),
    [("zh-hans", "找不到您要访问的页面"), ("en", "We couldn't find that page")],
)
def test_404_is_the_sites_page_in_the_readers_language_with_the_way_home(language, heading):
    response = visitor(language).get("/no-such-page/")

    assert response.status_code == 404
    assert heading in text(response)
    assert 'class="site-header' in text(response)  # the site's layout, not bare text
    assert "/" in links(response)


@pytest.mark.django_db
def test_404_offers_an_officer_their_own_page():
    clerk = officer(DepartmentFactory(), Role.INTAKE_CLERK)
    response = visitor("en", clerk).get("/no-such-page/")

    assert response.status_code == 404
    assert "Go to your page: the case workbench (办件工作台)" in text(response)
    assert "/workbench/" in links(response)


# --- 403 -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_403_tells_a_clerk_which_page_is_theirs_in_english():
    clerk = officer(DepartmentFactory(), Role.INTAKE_CLERK)
    response = visitor("en", clerk).get("/city/console/")  # the 12345 hotline's console

    assert response.status_code == 403
    page = text(response)
    assert "You don't have access to this page" in page
    assert "Your work is on the case workbench (办件工作台)." in page
    assert 'class="site-header' in page
    assert {"/workbench/", "/"} <= links(response)


@pytest.mark.django_db
def test_403_tells_a_clerk_which_page_is_theirs_in_chinese():
    clerk = officer(DepartmentFactory(), Role.INTAKE_CLERK)
    response = visitor("zh-hans", clerk).get("/city/console/")

    assert response.status_code == 403
    page = text(response)
    assert "您无权访问此页面" in page
    assert "您的工作页面是办件工作台" in page
    assert "/workbench/" in links(response)


@pytest.mark.django_db
def test_403_sends_a_citizen_back_to_the_portal():
    response = visitor("en", citizen()).get("/workbench/")

    assert response.status_code == 403
    page = text(response)
    assert "Your account has no such role" in page
    assert "Go to your page" not in page
    assert {"/", "/cases/"} <= links(response)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_403_logs_one_warning_line_and_no_traceback(caplog):
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = visitor("en").get("/test-forbidden/")

    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING
    assert records[0].getMessage() == "Forbidden (Permission denied): /test-forbidden/"
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text


def test_with_debug_on_a_request_error_is_logged_once_on_the_console(tmp_path):
    """As `YIWANG_DEBUG=true make run` logs: Django's own DEBUG console handler would
    print every 403 and 404 a second time beside the root's line."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ, "YIWANG_ENV": "development", "YIWANG_DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "yiwang.settings", "YIWANG_VAR_DIR": str(tmp_path),
    }  # fmt: skip
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('django.request').warning('Not Found: /no-such-page/')"
    )
    result = subprocess.run(  # noqa: S603 - our interpreter, our code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "Not Found: /no-such-page/" in line]
    assert len(lines) == 1, result.stderr


# --- 500 -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_crash_gets_the_static_bilingual_500_page_without_touching_the_database(
    settings, django_assert_num_queries, caplog
):
    settings.DEBUG = False
    with django_assert_num_queries(0), caplog.at_level(logging.ERROR, logger="django.request"):
        response = visitor("en").get("/test-boom/")

    assert response.status_code == 500
    page = text(response)
    assert "抱歉，系统暂时出现问题" in page
    assert "Sorry, something went wrong on our side" in page
    assert "the database is on fire" not in page  # no detail of the crash leaks
    assert "/" in links(response)
    # a crash, unlike a 403, keeps its traceback in the log
    assert any(r.exc_info for r in caplog.records if r.levelno == logging.ERROR)
