"""The published OpenAPI document tells the truth, and an API-only client can use it alone.

- no two schemas share a component name (ninja keeps the last one silently:
  catalog's and cases' ``MaterialOut`` once made the service guide's schema wrong);
- every response of a journey validates against the schema its operation declares;
- every input is bounded: strings have a ``maxLength``, integers a ``maximum``;
- every officer command has its own operation, taking exactly its fields;
- the service guide shows the catalog material ids an upload needs, so a
  client with nothing but a token can apply, submit and follow its case.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from jsonschema import Draft202012Validator
from ninja.openapi.schema import OpenAPISchema

from tests.factories import PDF_BYTES, T0, VALID_FORM, case_world, upload
from yiwang.api.urls import api
from yiwang.cases import services as case_services
from yiwang.cases.texts import PROCEDURES
from yiwang.integrations.models import Scope
from yiwang.integrations.services import api_token_create

NOW = T0 + timedelta(hours=6)


def openapi() -> dict[str, Any]:
    return api.get_openapi_schema(path_prefix="/api/v1/")


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Follow references (also the ``allOf`` of one that pydantic writes for a default)."""
    while "$ref" in schema or len(schema.get("allOf", [])) == 1:
        if "allOf" in schema:
            schema = schema["allOf"][0]
            continue
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def declared_schema(method: str, path: str, status: int) -> dict[str, Any]:
    document = openapi()
    operation = document["paths"][path][method.lower()]
    response = operation["responses"].get(status) or operation["responses"][str(status)]
    schema = response["content"]["application/json"]["schema"]
    # "#/components/…" references resolve against this root
    return {**schema, "components": document["components"]}


def assert_matches_contract(method: str, path: str, response) -> Any:
    """The response's JSON body validates against the schema its operation declares."""
    body = response.json()
    errors = sorted(
        Draft202012Validator(declared_schema(method, path, response.status_code)).iter_errors(body),
        key=str,
    )
    assert not errors, f"{method} {path} → {response.status_code}: {errors[0].message}"
    return body


# --- the document ------------------------------------------------------------------------


def test_no_two_schemas_share_a_component_name(monkeypatch):
    # given every definition ninja files under a component name while generating the document
    seen: dict[str, list[dict[str, Any]]] = defaultdict(list)
    keep = OpenAPISchema.add_schema_definitions

    def record(self, definitions):
        for name, definition in definitions.items():
            if definition not in seen[name]:
                seen[name].append(definition)
        keep(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", record)
    openapi()

    # then each name stands for one definition (else one operation's schema is another's)
    collisions = {name: len(found) for name, found in seen.items() if len(found) > 1}
    assert collisions == {}


def _input_schemas(document: dict[str, Any]):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                yield f"{method} {path} {parameter['in']} {parameter['name']}", parameter["schema"]
            for media in operation.get("requestBody", {}).get("content", {}).values():
                yield f"{method} {path} body", media["schema"]


def _unbounded(document: dict[str, Any], schema: dict[str, Any], where: str, seen: set[str]):
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return
        seen.add(name)
    schema = resolve(document, schema)
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from _unbounded(document, option, where, seen)
    kind = schema.get("type")
    free_text = kind == "string" and "enum" not in schema and schema.get("format") != "binary"
    if free_text and "maxLength" not in schema:
        yield f"{where}: a string without maxLength"
    if kind == "integer" and "maximum" not in schema:
        yield f"{where}: an integer without maximum"
    if kind == "array":
        yield from _unbounded(document, schema.get("items", {}), f"{where}[]", seen)
    for name, inner in schema.get("properties", {}).items():
        yield from _unbounded(document, inner, f"{where}.{name}", seen)


def test_every_input_is_bounded():
    document = openapi()

    problems = [
        problem
        for where, schema in _input_schemas(document)
        for problem in _unbounded(document, schema, where, set())
    ]

    # Free-form objects (form answers, checked against the service's own JSON Schema) aside,
    # every string and integer a client sends has a limit a database column can hold.
    assert problems == []


def test_every_officer_command_has_its_own_operation_taking_its_fields():
    document = openapi()

    for command, fields in case_services.COMMAND_FIELDS.items():
        path = f"/api/v1/officer/cases/{{number}}/commands/{command}"
        assert path in document["paths"], command
        body = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        request = resolve(document, body["schema"])
        assert request["required"] == ["expected_version"] + (
            ["fields"] if "fields" in request["required"] else []
        )
        taken = resolve(document, request["properties"]["fields"])
        assert sorted(taken.get("properties", {})) == sorted(fields), command
        assert taken["additionalProperties"] is False, command


def test_the_procedures_an_officer_may_start_are_the_cases_apps():
    document = openapi()

    fields = document["components"]["schemas"]["StartSpecialProcedureFieldsIn"]

    assert fields["properties"]["procedure"]["enum"] == list(PROCEDURES)


def test_every_operation_documents_the_errors_of_the_edge():
    document = openapi()

    for path, item in document["paths"].items():
        for method, operation in item.items():
            statuses = {int(s) for s in operation["responses"]}
            assert 400 in statuses, (method, path)
            if operation.get("requestBody"):
                assert {413, 422} <= statuses, (method, path)


# --- the catalog and an API-only client --------------------------------------------------


@pytest.mark.django_db
def test_the_service_guide_shows_the_material_ids_an_upload_needs():
    with time_machine.travel(NOW, tick=False):
        world = case_world()
        identity, premises, attorney = world.materials

        response = Client().get(f"/api/v1/services/{world.service.item.code}")

    assert response.status_code == 200
    guide = assert_matches_contract("GET", "/api/v1/services/{code}", response)
    assert [(m["id"], m["name_zh"], m["requirement"]) for m in guide["materials"]] == [
        (identity.pk, "身份证明", "required"),
        (premises.pk, "经营场所证明", "required"),
        (attorney.pk, "委托书", "conditional"),
    ]


@pytest.mark.django_db
def test_an_api_only_client_applies_submits_and_follows_its_case():
    with time_machine.travel(NOW, tick=False):
        world = case_world()
        citizen_token = api_token_create(
            owner=world.applicant,
            name="citizen app",
            scopes=[Scope.CATALOG_READ, Scope.CASES_READ, Scope.APPLICATIONS_WRITE],
        ).secret
        clerk_token = api_token_create(
            owner=world.clerk, name="intake", scopes=[Scope.CASES_READ, Scope.CASES_WRITE]
        ).secret
        app = Client(headers={"Authorization": f"Bearer {citizen_token}"})
        clerk = Client(headers={"Authorization": f"Bearer {clerk_token}"})

        # the client finds the service in the catalog and reads its guide
        found = app.get("/api/v1/services", {"department": world.department.code})
        listing = assert_matches_contract("GET", "/api/v1/services", found)
        assert [s["code"] for s in listing["results"]] == [world.service.item.code]
        guide = assert_matches_contract(
            "GET", "/api/v1/services/{code}", app.get(listing["results"][0]["url"])
        )
        required = [m for m in guide["materials"] if m["requirement"] == "required"]
        assert len(required) == 2

        # it starts a draft and answers the form
        created = app.post(
            "/api/v1/applications", {"service_code": guide["code"]}, "application/json"
        )
        assert created.status_code == 201, created.content
        draft = assert_matches_contract("POST", "/api/v1/applications", created)
        answered = app.patch(
            f"/api/v1/applications/{draft['id']}", {"form_data": VALID_FORM}, "application/json"
        )
        assert answered.status_code == 200, answered.content
        assert_matches_contract("PATCH", "/api/v1/applications/{application_id}", answered)

        # it uploads every required material, by the id the guide gave
        for material in required:
            uploaded = app.post(
                f"/api/v1/applications/{draft['id']}/materials",
                {"material_id": material["id"], "file": upload("scan.pdf", PDF_BYTES)},
            )
            assert uploaded.status_code == 201, uploaded.content
            row = assert_matches_contract(
                "POST", "/api/v1/applications/{application_id}/materials", uploaded
            )
            assert row["material_id"] == material["id"]

        # it submits
        submitted = app.post(
            f"/api/v1/applications/{draft['id']}/submit", headers={"Idempotency-Key": "app-1"}
        )
        assert submitted.status_code == 201, submitted.content
        case = assert_matches_contract(
            "POST", "/api/v1/applications/{application_id}/submit", submitted
        )
        assert case["step"] == "submitted"

        # and follows its case while the department accepts it
        mine = assert_matches_contract("GET", "/api/v1/cases", app.get("/api/v1/cases"))
        assert [c["number"] for c in mine["results"]] == [case["number"]]
        accepted = clerk.post(
            f"/api/v1/officer/cases/{case['number']}/commands/accept",
            {"expected_version": case["version"]},
            "application/json",
        )
        assert accepted.status_code == 200, accepted.content
        assert_matches_contract("POST", "/api/v1/officer/cases/{number}/commands/accept", accepted)
        followed = assert_matches_contract("GET", "/api/v1/cases/{number}", app.get(case["url"]))

    assert followed["step"] == "under_review"
    assert [t["kind"] for t in followed["timeline"]] == ["submitted", "accepted"]
    assert sorted(m["material_id"] for m in followed["materials"]) == sorted(
        m["id"] for m in required
    )
