"""Every error of an /api/ path is the JSON error body, in production as in development.

Django's own answers (an unknown path's 404, a crash's 500, a body over the
limit) are HTML pages, and ninja's 405 is plain text: none of them may reach
an API client. Other paths keep the site's pages.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.test import Client

from yiwang.catalog import selectors as catalog_selectors

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def client() -> Client:
    return Client(raise_request_exception=False)


def assert_error_body(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].split(";")[0] == "application/json"
    body = json.loads(response.content)
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list)
    return body


@pytest.fixture
def crash(monkeypatch):
    """The departments endpoint fails with an unexpected exception."""

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(catalog_selectors, "departments_with_services", broken)


@pytest.mark.parametrize("debug", [False, True])
def test_api_errors_made_outside_the_api_handlers_are_json(settings, crash, debug):
    settings.DEBUG = debug
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    assert_error_body(client().get("/api/v1/no-such-thing"), 404)
    assert_error_body(client().get("/api/v2/services"), 404)
    wrong_method = client().delete("/api/v1/services")
    assert_error_body(wrong_method, 405)
    assert wrong_method["Allow"] == "GET"
    too_large = client().post("/api/v1/applications", "x" * 2000, "application/json")
    assert assert_error_body(too_large, 413)["limit"] == 1000
    crashed = assert_error_body(client().get("/api/v1/departments"), 500)
    assert "the database went away" not in json.dumps(crashed)


def test_other_paths_keep_the_sites_pages(settings):
    settings.DEBUG = False

    missing = client().get("/no-such-page/")

    assert missing.status_code == 404
    assert missing["Content-Type"].startswith("text/html")


PRODUCTION_PROBE = """
    import json
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from yiwang.catalog import selectors

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    selectors.departments_with_services = broken
    client = Client(raise_request_exception=False, headers={"X-Forwarded-Proto": "https"})
    answers = {
        "404": client.get("/api/v1/no-such-thing"),
        "405": client.delete("/api/v1/services"),
        "413": client.post("/api/v1/applications", "x" * 3_000_000, "application/json"),
        "500": client.get("/api/v1/departments"),
    }
    print(json.dumps({
        "debug": settings.DEBUG,
        "answers": {
            name: [r.status_code, r["Content-Type"], r.content.decode()]
            for name, r in answers.items()
        },
    }))
"""


def test_in_production_mode_api_errors_are_json(tmp_path):
    # given the production settings (DEBUG off, HTTPS, the manifest static storage)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("YIWANG_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        PYTHONPATH="src",
        DJANGO_SETTINGS_MODULE="yiwang.settings",
        YIWANG_ENV="production",
        YIWANG_SECRET_KEY="a-production-like-secret-key-for-this-test-only-0123456789",
        YIWANG_ALLOWED_HOSTS="testserver",
        YIWANG_VAR_DIR=str(tmp_path / "var"),
        YIWANG_LOG_LEVEL="CRITICAL",
    )

    # when requests that fail outside the API's handlers come in
    result = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", textwrap.dedent(PRODUCTION_PROBE)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    # then each is the JSON error body with its status
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["debug"] is False
    for status, (code, content_type, content) in report["answers"].items():
        assert code == int(status), (status, content[:300])
        assert content_type.split(";")[0] == "application/json", (status, content[:300])
        body = json.loads(content)
        assert set(body) >= {"detail", "errors"} and body["detail"], (status, body)
    assert "the database went away" not in report["answers"]["500"][2]
