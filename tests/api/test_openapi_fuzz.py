"""The API fuzzed against its own OpenAPI document (schemathesis, in-process through WSGI).

Every operation of the published document gets a bounded number of
generated requests — valid ones and ones that break the schema on purpose —
sent through the whole Django stack (middleware included), authenticated
with API tokens of a citizen, an officer holding every role of the
department, and an integrator. Path parameters are, half the time, the ids
and numbers of real drafts and cases, so requests reach the services, not
only the 404s. The run must find:

- no server error (5xx),
- no status the operation does not document, no body that breaks the
  schema it declares (content type, headers and JSON schema),
- no request that breaks the schema and is still accepted.

It runs in ``make test`` on SQLite and on PostgreSQL (where a NUL character
in text is a database error, so it matters most there). Select it alone
with ``-m fuzz``. Examples come from a fixed seed per database (``FUZZ_SEED``),
so a run is reproducible and the SQLite and PostgreSQL passes of ``make test``
send different requests (120 per operation in all); a failure prints the
request to replay it with curl. A few hundred examples per operation in each
pass would cost about ten minutes of the CI's fifteen on two cores (60 take
about two on PostgreSQL); for a deeper run by hand,
``YIWANG_FUZZ_EXAMPLES=500 pytest -m fuzz`` (``YIWANG_FUZZ_SEED`` picks
another seed).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
import time_machine
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import (
    T0,
    UserFactory,
    accepted_case,
    approved_case,
    case_world,
    citizen,
    completed_case,
    draft_application,
    officer,
    submitted_case,
)
from yiwang.api.urls import api
from yiwang.identity import services as identity_services
from yiwang.identity.models import Role
from yiwang.integrations.models import Scope
from yiwang.integrations.services import api_token_create, webhook_endpoint_register

#: Generated requests per operation and pass (36 operations): 30 in each of `make test`'s two
#: passes, whose seeds differ (below), so 60 different ones per operation in all; a pass took
#: 1.5 minutes of CPU with 60, which CI's 15 minutes on two cores could not spare twice.
EXAMPLES = int(os.environ.get("YIWANG_FUZZ_EXAMPLES") or 30)
#: The examples' seed: one per database, so the two passes of `make test` try different requests.
FUZZ_SEED = int(
    os.environ.get("YIWANG_FUZZ_SEED") or (2 if connection.vendor == "postgresql" else 1)
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
schema.app = WSGIHandler()

#: What the running test built: tokens by role and the real ids to put in paths.
WORLD: dict[str, Any] = {}


def _who(path: str) -> str:
    if path.startswith("/api/v1/officer/"):
        return "officer"
    if path.startswith("/api/v1/webhooks"):
        return "integrator"
    return "applicant"


@schema.auth(refresh_interval=None)
class TokenForTheOperation:
    """A bearer token of the user each group of operations is for."""

    def get(self, case: Any, ctx: Any) -> str:
        return WORLD["tokens"][_who(case.operation.path)]

    def set(self, case: Any, data: str, ctx: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


#: The instant of the world and of every request.
AT = T0 + timedelta(hours=6)


@pytest.fixture(scope="module")
def _world_built(module_data) -> Iterator[dict[str, Any]]:
    """The world, built once for the module (every operation's test reads and changes it in a
    savepoint of its own, rolled back after it)."""

    def build() -> dict[str, Any]:
        with time_machine.travel(AT, tick=False):
            return _build_world()

    try:
        with module_data(build) as built:
            yield built
    finally:
        WORLD.clear()


@pytest.fixture
def world(_world_built, db, settings) -> Iterator[dict[str, Any]]:
    """A department with cases in every step, tokens for its people, at a fixed instant.

    Requests go through Django's WSGI handler, which closes the database
    connection at the end of each request; the test's transaction must
    survive them, so that is switched off here, as Django's test client does.
    Webhook URLs are not resolved (no DNS in the fuzz: the address rule has its
    own tests in tests/integrations/test_webhook_safety.py).
    """
    settings.YIWANG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with time_machine.travel(AT, tick=False):
            yield _world_built
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _build_world() -> dict[str, Any]:
    world = case_world()
    cases = [
        submitted_case(world),
        accepted_case(world),
        approved_case(world),
        completed_case(world),
        submitted_case(world, applicant=citizen(name="李四")),  # someone else's: 404
    ]
    drafts = [draft_application(world), draft_application(world, upload_required=False)]
    boss = officer(
        world.department, Role.INTAKE_CLERK, Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR
    )
    integrator = UserFactory()
    identity_services.role_assign(
        user=integrator, role=Role.INTEGRATOR, department=None, actor=None
    )
    endpoint = webhook_endpoint_register(
        owner=integrator, url="https://8.8.8.8/yiwang", event_types=["case.decided"]
    ).endpoint

    def token(user, *scopes: str) -> str:
        return api_token_create(owner=user, name="fuzz", scopes=scopes).secret

    WORLD.update(
        tokens={
            "applicant": token(
                world.applicant,
                Scope.CASES_READ,
                Scope.APPLICATIONS_WRITE,
                Scope.EVENTS_READ,
                Scope.EVENTS_WRITE,
            ),
            "officer": token(
                boss, Scope.CASES_READ, Scope.CASES_WRITE, Scope.EVENTS_READ, Scope.EVENTS_WRITE
            ),
            "integrator": token(integrator, Scope.WEBHOOKS),
        },
        real={
            "number": [c.number for c in cases],
            "application_id": [a.pk for a in drafts] + [c.application_id for c in cases],
            "material_id": [m.pk for c in cases for m in c.application.materials.all()[:1]],
            "code": [world.service.item.code],
            "endpoint_id": [endpoint.pk],
            "number_version": [1],
        },
    )
    return WORLD


def _use_real_ids(case: Any, data: st.DataObject) -> None:
    """Half the time, put the id of something that exists in each path parameter."""
    if not case.path_parameters or case.meta.is_negative_at(ParameterLocation.PATH):
        return
    for name in list(case.path_parameters):
        key = "number_version" if name == "number" and "/versions/" in case.path else name
        choices = WORLD["real"].get(key)
        if choices and data.draw(st.booleans(), label=f"real {name}"):
            case.path_parameters[name] = data.draw(st.sampled_from(choices), label=name)


@pytest.mark.fuzz
@schema.parametrize()
@schema.given(data=st.data())
@seed(FUZZ_SEED)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_within_its_contract(case, data, world):
    _use_real_ids(case, data)
    case.call_and_validate(checks=CHECKS)
