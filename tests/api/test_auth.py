"""API authentication: session with CSRF, bearer tokens with scopes, bad tokens answer 401."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from tests.clock import NOW
from tests.factories import UserFactory, case_world, citizen, submitted_case
from tests.snapshots import snapshot
from yiwang.integrations.models import ApiToken, Scope
from yiwang.integrations.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return case_world()


@pytest.fixture
def case(world):
    return submitted_case(world, at=NOW - timedelta(hours=2))


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def token_for(user, *scopes: str, **kwargs) -> str:
    return api_token_create(owner=user, name="test", scopes=scopes, **kwargs).secret


def test_a_token_acts_as_its_owner_for_reads(world, case):
    secret = token_for(world.applicant, Scope.CASES_READ)
    response = Client().get("/api/v1/cases", headers=bearer(secret))
    assert response.status_code == 200
    assert [c["number"] for c in response.json()["results"]] == [case.number]
    other = token_for(citizen(name="李四"), Scope.CASES_READ)
    before = snapshot(case)
    assert Client().get(f"/api/v1/cases/{case.number}", headers=bearer(other)).status_code == 404
    assert snapshot(case) == before


def test_a_token_without_the_write_scope_is_forbidden(world):
    secret = token_for(world.applicant, Scope.CASES_READ)
    before = snapshot()
    response = Client().post(
        "/api/v1/applications",
        {"service_code": world.service.item.code},
        "application/json",
        headers=bearer(secret),
    )
    assert response.status_code == 403
    assert "applications:write" in response.json()["detail"]
    assert snapshot() == before


def test_a_token_with_the_write_scope_applies_without_csrf(world):
    secret = token_for(world.applicant, Scope.APPLICATIONS_WRITE)
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/applications",
        {"service_code": world.service.item.code},
        "application/json",
        headers=bearer(secret),
    )
    assert response.status_code == 201, response.json()
    # but reading needs cases:read
    app_id = response.json()["id"]
    before = snapshot()
    assert client.get(f"/api/v1/applications/{app_id}", headers=bearer(secret)).status_code == 403
    assert snapshot() == before


def test_officer_commands_need_cases_write(world, case):
    read_only = token_for(world.clerk, Scope.CASES_READ)
    writer = token_for(world.clerk, Scope.CASES_READ, Scope.CASES_WRITE)
    url = f"/api/v1/officer/cases/{case.number}/commands/accept"
    body = {"expected_version": case.version}
    assert Client().get("/api/v1/officer/cases", headers=bearer(read_only)).status_code == 200
    before = snapshot(case)
    assert (
        Client().post(url, body, "application/json", headers=bearer(read_only)).status_code == 403
    )
    assert snapshot(case) == before
    assert Client().post(url, body, "application/json", headers=bearer(writer)).status_code == 200


def test_applicant_writes_scope_does_not_open_officer_commands(world, case):
    secret = token_for(world.clerk, Scope.APPLICATIONS_WRITE)
    before = snapshot(case)
    response = Client().post(
        f"/api/v1/officer/cases/{case.number}/commands/accept",
        {"expected_version": case.version},
        "application/json",
        headers=bearer(secret),
    )
    assert response.status_code == 403
    assert snapshot(case) == before


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda user: "yw_deadbeef0000_nope", id="unknown"),
        pytest.param(lambda user: "not-a-token", id="malformed"),
    ],
)
def test_bad_tokens_answer_401(world, make):
    secret = make(world.applicant)
    before = snapshot()
    response = Client().get("/api/v1/cases", headers=bearer(secret))
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication required.", "errors": []}
    assert snapshot() == before


def test_a_revoked_token_answers_401(world):
    created = api_token_create(owner=world.applicant, name="t", scopes=[Scope.CASES_READ])
    assert Client().get("/api/v1/cases", headers=bearer(created.secret)).status_code == 200
    api_token_revoke(token=created.token, actor=None)
    used = ApiToken.objects.get(pk=created.token.pk).last_used_at
    before = snapshot()
    assert Client().get("/api/v1/cases", headers=bearer(created.secret)).status_code == 401
    assert snapshot() == before
    assert ApiToken.objects.get(pk=created.token.pk).last_used_at == used


def test_an_expired_token_answers_401(world, clock):
    created = api_token_create(
        owner=world.applicant,
        name="t",
        scopes=[Scope.CASES_READ],
        expires_at=NOW + timedelta(minutes=5),
    )
    assert Client().get("/api/v1/cases", headers=bearer(created.secret)).status_code == 200
    clock.shift(timedelta(minutes=5, seconds=1))
    assert Client().get("/api/v1/cases", headers=bearer(created.secret)).status_code == 401


def test_a_token_of_an_inactive_owner_answers_401(world):
    secret = token_for(world.applicant, Scope.CASES_READ)
    world.applicant.is_active = False
    world.applicant.save(update_fields=["is_active"])
    assert Client().get("/api/v1/cases", headers=bearer(secret)).status_code == 401


def test_a_bad_token_does_not_fall_back_to_the_session(world):
    client = Client()
    client.force_login(world.applicant)
    assert client.get("/api/v1/cases").status_code == 200
    assert client.get("/api/v1/cases", headers=bearer("yw_x_y")).status_code == 401


def test_the_token_is_stored_hashed_and_marked_used(world):
    created = api_token_create(owner=world.applicant, name="t", scopes=[Scope.CASES_READ])
    row = ApiToken.objects.get(pk=created.token.pk)
    assert created.secret.startswith(f"yw_{row.prefix}_")
    assert created.secret not in str(row.__dict__)
    assert row.last_used_at is None
    Client().get("/api/v1/cases", headers=bearer(created.secret))
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_session_writes_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.applicant)
    body = {"service_code": world.service.item.code}
    before = snapshot()
    refused = client.post("/api/v1/applications", body, "application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert snapshot() == before
    token = "a" * 32  # what the csrftoken cookie holds and the page's script sends back
    client.cookies["csrftoken"] = token
    accepted = client.post(
        "/api/v1/applications", body, "application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 201, accepted.json()


def test_anonymous_writes_answer_401_not_a_csrf_error(world):
    before = snapshot()
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/applications", {"service_code": world.service.item.code}, "application/json"
    )
    assert response.status_code == 401
    assert snapshot() == before


def test_the_catalog_stays_public(world):
    assert Client().get("/api/v1/services").status_code == 200
    assert Client().get(f"/api/v1/services/{world.service.item.code}").status_code == 200


def test_tokens_are_created_in_the_admin_and_shown_once(world):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/integrations/apitoken/add/",
        {"name": "ERP", "owner": world.applicant.pk, "scopes": [Scope.CASES_READ]},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="ERP")
    shown = [str(m) for m in response.context["messages"]]
    secret = next(s.split("<code>")[1].split("</code>")[0] for s in shown if "<code>" in s)
    assert secret.startswith(f"yw_{token.prefix}_")
    assert token.scopes == [Scope.CASES_READ]
    assert Client().get("/api/v1/cases", headers=bearer(secret)).status_code == 200
    page = client.get(f"/admin/integrations/apitoken/{token.pk}/change/")
    assert secret not in page.content.decode()


# --- with the production setting: tokens looked up once and trusted for 2 s per process ---


def test_a_token_revoked_in_this_process_is_refused_at_once(
    world, lookups_trusted, django_capture_on_commit_callbacks
):
    secret = token_for(world.applicant, Scope.CASES_READ)
    assert Client().get("/api/v1/cases", headers=bearer(secret)).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        api_token_revoke(token=ApiToken.objects.get(owner=world.applicant), actor=None)

    assert Client().get("/api/v1/cases", headers=bearer(secret)).status_code == 401


def test_a_token_revoked_elsewhere_is_refused_within_two_seconds(world, lookups_trusted):
    secret = token_for(world.applicant, Scope.CASES_READ)
    assert Client().get("/api/v1/cases", headers=bearer(secret)).status_code == 200
    # Another process revokes it; this one read it 0 s ago.
    ApiToken.objects.filter(owner=world.applicant).update(revoked_at=NOW)

    lookups_trusted.now += 1.5
    assert Client().get("/api/v1/cases", headers=bearer(secret)).status_code == 200
    lookups_trusted.now += 0.5
    assert Client().get("/api/v1/cases", headers=bearer(secret)).status_code == 401


def test_an_owner_disabled_loses_the_api_within_two_seconds(world, lookups_trusted):
    secret = token_for(world.applicant, Scope.CASES_READ)
    assert Client().get("/api/v1/cases", headers=bearer(secret)).status_code == 200
    type(world.applicant).objects.filter(pk=world.applicant.pk).update(is_active=False)

    lookups_trusted.now += 2
    assert Client().get("/api/v1/cases", headers=bearer(secret)).status_code == 401


def test_each_request_gets_its_own_token_and_user(world, lookups_trusted):
    """What one request sets on its user (Django caches permissions on it) is not seen by
    the next, though both come from the same lookup."""
    from yiwang.integrations.services import api_token_authenticate

    secret = token_for(world.applicant, Scope.CASES_READ)
    first = api_token_authenticate(secret=secret)
    first.owner.first_name = "changed in one request"
    second = api_token_authenticate(secret=secret)

    assert second.pk == first.pk and second is not first
    assert second.owner is not first.owner
    assert second.owner.first_name == world.applicant.first_name
