"""The interactive API docs (Swagger UI at /api/v1/docs) work with no internet: every asset
comes from this server (django-ninja's static files), none from a CDN."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def test_swagger_ui_lists_the_operations_with_every_other_host_blocked(browser, live_server):
    # given a browser that can reach this server and nothing else (an offline machine)
    context = browser.new_context(base_url=live_server.url)
    blocked: list[str] = []

    def only_local(route):
        url = route.request.url
        if urlsplit(url).hostname in LOCAL_HOSTS or url.startswith("data:"):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.set_default_timeout(15_000)

    # when the integrator opens the docs
    response = page.goto("/api/v1/docs")

    # then Swagger UI has rendered the operations from the OpenAPI document
    assert response.status == 200
    page.locator(".opblock").first.wait_for()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/services" in [p.replace("\u200b", "").strip() for p in paths]
    assert page.locator(".opblock").count() > 20
    assert page.locator(".info .title").inner_text().startswith("yiwang API")
    # and it asked for nothing outside this server
    assert blocked == []
    context.close()
