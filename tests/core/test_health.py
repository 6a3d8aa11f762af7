"""The liveness (/healthz) and readiness (/readyz) probes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder


def test_healthz_answers_ok_without_touching_the_database(client):
    # No django_db mark: any query would fail the test.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_ok_when_the_database_answers_and_every_migration_is_applied(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok"},
    }


@pytest.mark.django_db
def test_readyz_is_unavailable_while_a_migration_is_pending(client):
    # Given: the database no longer records core's latest migration as applied,
    # exactly what a deploy that skipped `migrate` looks like to Django. (The
    # row is removed inside the test's transaction, so it comes back afterwards;
    # unapplying the migration for real would depend on every later migration
    # in the project being reversible.)
    recorder = MigrationRecorder(connection)
    latest = recorder.migration_qs.filter(app="core").order_by("-name").first()
    assert latest is not None
    latest.delete()

    # When
    response = client.get("/readyz")

    # Then
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert "pending" in body["checks"]["migrations"]


@pytest.mark.django_db
def test_readyz_is_unavailable_when_the_database_does_not_answer(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("database is down")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "error: ConnectionRefusedError"},
    }


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_accept_only_get(client, path):
    assert client.post(path).status_code == 405
