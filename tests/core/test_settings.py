"""Settings come from the environment; production refuses unsafe defaults.

Each case imports the settings in a fresh interpreter, because settings are
read once per process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRINT_SECRET_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def run_settings(code: str, env: dict[str, str], var_dir: Path) -> subprocess.CompletedProcess:
    """Run ``code`` after ``import django`` with only the given yiwang variables set."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("YIWANG_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    clean.update(
        PYTHONPATH="src",
        DJANGO_SETTINGS_MODULE="yiwang.settings",
        YIWANG_VAR_DIR=str(var_dir),
        **env,
    )
    return subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", "import django\n" + textwrap.dedent(code)],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    result = run_settings(
        PRINT_SECRET_KEY,
        {"YIWANG_ENV": "production", "YIWANG_ALLOWED_HOSTS": "yiwang.example"},
        tmp_path / "var",
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "YIWANG_SECRET_KEY is required in production" in result.stderr
    # It must not quietly fall back to the embedded per-installation key.
    assert not (tmp_path / "var" / "secret_key").exists()


def test_production_without_allowed_hosts_refuses_to_start(tmp_path):
    result = run_settings(
        PRINT_SECRET_KEY,
        {"YIWANG_ENV": "production", "YIWANG_SECRET_KEY": "x" * 50},
        tmp_path / "var",
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "YIWANG_ALLOWED_HOSTS is required in production" in result.stderr


def test_production_refuses_the_calendar_error_policy(tmp_path):
    result = run_settings(
        PRINT_SECRET_KEY,
        {
            "YIWANG_ENV": "production",
            "YIWANG_SECRET_KEY": "x" * 50,
            "YIWANG_ALLOWED_HOSTS": "yiwang.example",
            "YIWANG_CALENDAR_FALLBACK": "error",
        },
        tmp_path / "var",
    )

    assert result.returncode != 0
    assert "YIWANG_CALENDAR_FALLBACK=error is for tests and tools" in result.stderr


def test_production_with_both_starts_safe_and_exempts_the_probes_from_https(tmp_path):
    # Given production with its two required variables and nothing else
    code = """
        django.setup()
        from django.conf import settings
        from django.test import Client
        print(settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT)
        client = Client()
        print(client.get("/healthz").status_code)
        page = client.get("/")
        print(page.status_code, page["Location"])
    """
    result = run_settings(
        code,
        {
            "YIWANG_ENV": "production",
            "YIWANG_SECRET_KEY": "x" * 50,
            "YIWANG_ALLOWED_HOSTS": "testserver",
        },
        tmp_path / "var",
    )

    # Then DEBUG is off, cookies are secure, plain http is redirected to https,
    # but the load balancer's plain-http health probe is answered.
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "False True True",
        "200",
        "301 https://testserver/",
    ]


def test_development_generates_a_secret_key_once_and_reuses_it(tmp_path):
    var_dir = tmp_path / "var"
    env = {"YIWANG_ENV": "development"}

    first = run_settings(PRINT_SECRET_KEY, env, var_dir)
    assert first.returncode == 0, first.stderr
    key_file = var_dir / "secret_key"
    assert key_file.exists()
    assert key_file.stat().st_mode & 0o777 == 0o600
    key = first.stdout.strip()
    assert len(key) >= 50
    assert key_file.read_text().strip() == key

    second = run_settings(PRINT_SECRET_KEY, env, var_dir)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == key


def test_an_explicit_secret_key_wins_and_writes_no_file(tmp_path):
    result = run_settings(
        PRINT_SECRET_KEY, {"YIWANG_SECRET_KEY": "from-the-environment"}, tmp_path / "var"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "from-the-environment"
    assert not (tmp_path / "var" / "secret_key").exists()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"YIWANG_DEBUG": "maybe"}, "YIWANG_DEBUG must be true or false, not 'maybe'"),
        ({"YIWANG_ENV": "staging"}, "YIWANG_ENV must be development, test or production"),
        (
            {"YIWANG_SESSION_MAX_HOURS": "twelve"},
            "YIWANG_SESSION_MAX_HOURS must be a whole number, not 'twelve'",
        ),
    ],
)
def test_a_malformed_value_is_a_clear_error(tmp_path, env, message):
    result = run_settings("from django.conf import settings; settings.DEBUG", env, tmp_path)

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr


@pytest.mark.parametrize(("raw", "expected"), [("true", "True"), ("0", "False"), ("", "True")])
def test_debug_reads_the_usual_spellings(tmp_path, raw, expected):
    result = run_settings(
        "from django.conf import settings; print(settings.DEBUG)",
        {"YIWANG_ENV": "development", "YIWANG_DEBUG": raw},
        tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_check_deploy_warns_when_no_header_names_the_client(settings, capsys):
    from django.core.management import call_command

    settings.YIWANG_ENV = "production"
    settings.YIWANG_CLIENT_IP_HEADER = ""
    call_command("check", "--deploy", "--tag", "yiwang_identity")
    warned = capsys.readouterr()

    settings.YIWANG_CLIENT_IP_HEADER = "X-Real-IP"
    call_command("check", "--deploy", "--tag", "yiwang_identity")
    quiet = capsys.readouterr()

    assert "yiwang.W002" in warned.err + warned.out
    assert "YIWANG_CLIENT_IP_HEADER is not set" in warned.err + warned.out
    assert "yiwang.W002" not in quiet.err + quiet.out
