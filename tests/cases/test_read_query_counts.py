"""Every read an officer or applicant makes costs the same number of queries with few cases and
with many (docs/performance.md, "Reads at a million cases"): the queue (HTML and API, default
sort and filtered by light, assignee and service), the applicant's case list (portal and API),
a case page, the catalog search and the scheduler's tick."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    HOUR,
    T0,
    accepted_case,
    case_world,
    completed_case,
    submitted_case,
)
from yiwang.cases import services
from yiwang.cases.services import cases_tick_due

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(user)
    return client


def _reads(world, number: str) -> dict[str, tuple[Client, str]]:
    clerk, applicant = _client(world.clerk), _client(world.applicant)
    code = world.service.item.code
    return {
        "queue": (clerk, "/workbench/"),
        "queue red": (clerk, "/workbench/?light=red"),
        "queue mine": (clerk, "/workbench/?assignee=me"),
        "queue service": (clerk, f"/workbench/?service={code}"),
        "queue received": (clerk, "/workbench/?sort=-received"),
        "api queue": (clerk, "/api/v1/officer/cases"),
        "api queue red": (clerk, "/api/v1/officer/cases?light=red"),
        "api queue mine": (clerk, "/api/v1/officer/cases?assignee=me"),
        "api queue service": (clerk, f"/api/v1/officer/cases?service={code}"),
        "api queue page 2": (clerk, "/api/v1/officer/cases?page=2&page_size=2"),
        "my cases": (applicant, "/cases/"),
        "api my cases": (applicant, "/api/v1/cases"),
        "case page": (clerk, f"/workbench/cases/{number}/"),
        "my case page": (applicant, f"/cases/{number}/"),
        "api case": (clerk, f"/api/v1/officer/cases/{number}"),
        "search": (applicant, "/search/?q=许可"),
        "api search": (applicant, "/api/v1/services/search?q=许可"),
    }


def _count(client: Client, url: str) -> int:
    client.get(url)  # warm: sessions, caches of the calendar and the catalog
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries.captured_queries)


def _tick_queries(now) -> int:
    with CaptureQueriesContext(connection) as queries:
        cases_tick_due(now=now)
    return len(queries.captured_queries)


def _more_cases(world, n: int) -> None:
    """``n`` more cases of every kind: waiting, accepted and claimed, overdue, closed, and
    another applicant's in another department."""
    for i in range(n):
        at = T0 - timedelta(days=10 + i)  # overdue at acceptance by now
        submitted_case(world, at=at)
        case = accepted_case(world, at=T0 + i * HOUR)
        services.case_claim(case=case, officer=world.clerk, at=T0 + (i + 2) * HOUR)
        completed_case(world, at=T0 - timedelta(days=30 + i))
        submitted_case(case_world(), at=T0)


def test_each_read_costs_the_same_queries_with_few_and_many_cases(
    django_assert_max_num_queries,
):
    # Given a department with a handful of cases
    world = case_world()
    case = accepted_case(world, at=T0)
    services.case_claim(case=case, officer=world.clerk, at=T0 + 2 * HOUR)
    _more_cases(world, 1)
    reads = _reads(world, case.number)
    few = {name: _count(client, url) for name, (client, url) in reads.items()}
    # The scheduler, after the round that caught up (nothing else due for a while).
    cases_tick_due(now=T0 + 3 * HOUR)
    tick_few = _tick_queries(T0 + 3 * HOUR)

    # When the department has three times as many, of every kind
    _more_cases(world, 3)
    cases_tick_due(now=T0 + 3 * HOUR)

    # Then no read costs a query more
    for name, (client, url) in reads.items():
        client.get(url)
        with django_assert_max_num_queries(few[name], info=name):
            assert client.get(url).status_code == 200
    with django_assert_max_num_queries(tick_few, info="scheduler tick"):
        cases_tick_due(now=T0 + 3 * HOUR)


def test_the_queue_reads_no_password_hash():
    world = case_world()
    services.case_claim(case=accepted_case(world, at=T0), officer=world.clerk, at=T0 + 2 * HOUR)
    with CaptureQueriesContext(connection) as queries:
        assert _client(world.clerk).get("/api/v1/officer/cases").status_code == 200
        assert _client(world.clerk).get("/workbench/").status_code == 200
    queue_sql = [q["sql"] for q in queries.captured_queries if '"cases_case"' in q["sql"]]
    assert queue_sql
    assert not [sql for sql in queue_sql if '"password"' in sql]


def _role_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if '"identity_roleassignment"' in q["sql"]]


def test_a_case_page_reads_the_officers_roles_once():
    # Given a clerk's case page, HTML and API (each asks who the officer is in the case's
    # department: to open it, for its commands, for personal data, as a supervisor)
    world = case_world()
    case = accepted_case(world, at=T0)
    clerk = _client(world.clerk)
    for url in (f"/workbench/cases/{case.number}/", f"/api/v1/officer/cases/{case.number}"):
        clerk.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert clerk.get(url).status_code == 200
        # Then the roles are one query per request
        assert len(_role_queries(queries)) == 1, url


def test_a_role_taken_away_in_a_request_is_read_again():
    from yiwang.cases.permissions import is_officer_of
    from yiwang.identity.models import Role
    from yiwang.identity.selectors import roles_cached
    from yiwang.identity.services import role_revoke

    world = case_world()
    with roles_cached():
        assert is_officer_of(world.clerk, world.department.pk)
        role_revoke(
            user=world.clerk, role=Role.INTAKE_CLERK, department=world.department, actor=None
        )
        assert not is_officer_of(world.clerk, world.department.pk)


def test_the_queue_api_costs_six_queries_filtered_or_not(django_assert_num_queries):
    # Given a clerk whose department has more open cases than a page, each with a deadline
    world = case_world()
    for i in range(4):
        accepted_case(world, at=T0 + i * HOUR)
    clerk = _client(world.clerk)
    url = "/api/v1/officer/cases?page_size=2"
    clerk.get(url)
    # Then a page of the queue is six queries: the session; the user; their roles; the light
    # counts with the filtered count, in one statement; the page; its services
    with django_assert_num_queries(6):
        body = clerk.get(url).json()
    assert (body["count"], body["counts"]["open"], len(body["results"])) == (4, 4, 2)
    assert body["next"]
    # And with a filter, six too: the filtered count is a fourth count in the same statement
    with django_assert_num_queries(6):
        body = clerk.get(f"{url}&assignee=me").json()
    assert (body["count"], body["counts"]["open"], body["results"]) == (0, 4, [])
