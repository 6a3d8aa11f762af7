"""Bad input is a clear 4xx with the JSON error body naming the field, never a server error.

Each kind of input the probe of issue 8 found answering 500 (and what else
belongs to the same class): officer commands with wrongly typed fields, a
NUL character anywhere, JSON that is not storable (NaN, Infinity, 1e999,
lone surrogates, deep nesting), bodies over the limits, and very long file
names. Every refusal leaves the data as it was. They run on SQLite and on
PostgreSQL, where a NUL character in text is a database error.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from tests.factories import (
    PDF_BYTES,
    T0,
    accepted_case,
    approved_case,
    case_world,
    draft_application,
    submitted_case,
)
from tests.snapshots import snapshot
from yiwang.cases.models import Application
from yiwang.integrations.models import Scope
from yiwang.integrations.services import api_token_create

pytestmark = pytest.mark.django_db

NOW = T0 + timedelta(hours=6)  # Monday 2 March 2026, 15:00 in Jinan


@pytest.fixture(autouse=True)
def _at_a_chosen_instant():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world():
    return case_world()


def as_user(user) -> Client:
    client = Client(raise_request_exception=False, headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def fields_named(response) -> list[str]:
    body = response.json()
    assert set(body) >= {"detail", "errors"}, body
    return [e["field"] for e in body["errors"]]


def multipart(fields: dict[str, str], *, filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart body written by hand (Django's test client shortens file names itself)."""
    boundary = "yiwang-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- officer commands: a typed schema each ---------------------------------------------------


@pytest.mark.parametrize(
    ("step", "command", "fields", "field"),
    [
        ("accepted", "request_supplement", {"items": "the lease"}, "fields.items"),
        ("accepted", "request_supplement", {"items": {"reason": "x"}}, "fields.items"),
        ("accepted", "request_supplement", {"items": 3}, "fields.items"),
        ("accepted", "request_supplement", {"items": ["the lease"]}, "fields.items.0"),
        (
            "accepted",
            "request_supplement",
            {"items": [{"name": "租赁合同", "reason": "Expired."}], "note": 5},
            "fields.note",
        ),
        ("accepted", "approve", {"legal_basis": 5}, "fields.legal_basis"),
        ("approved", "issue_certificate", {"certificate_number": 5}, "fields.certificate_number"),
        (
            "approved",
            "issue_certificate",
            {"certificate_number": "C" * 5000},
            "fields.certificate_number",
        ),
        ("accepted", "start_special_procedure", [1, 2], "fields"),
        (
            "accepted",
            "start_special_procedure",
            {"procedure": ["hearing"], "reason": "Neighbours object.", "expected_days": 10},
            "fields.procedure",
        ),
        (
            "accepted",
            "start_special_procedure",
            {"procedure": "hearing", "reason": ["Neighbours object."], "expected_days": 10},
            "fields.reason",
        ),
        (
            "accepted",
            "start_special_procedure",
            {"procedure": "hearing", "reason": "Neighbours object.", "expected_days": "ten"},
            "fields.expected_days",
        ),
        (
            "accepted",
            "deny",
            {"reason": "Too close to a school.", "legal_basis": ["art. 38"]},
            "fields.legal_basis",
        ),
        ("accepted", "extend", {"reason": "Site visit.", "reasons": "typo"}, "fields.reasons"),
    ],
)
def test_a_wrongly_typed_command_field_is_422_naming_it(world, step, command, fields, field):
    # given a case where the command applies
    case = {"accepted": accepted_case, "approved": approved_case}[step](world)
    before = snapshot(case)

    # when an officer sends the command with a field of the wrong type (or one it does not take)
    response = as_user(world.approver if command != "request_supplement" else world.reviewer).post(
        f"/api/v1/officer/cases/{case.number}/commands/{command}",
        {"expected_version": case.version, "fields": fields},
        "application/json",
    )

    # then it is refused before the workflow runs, naming the field, and nothing changed
    assert response.status_code == 422, response.content
    assert field in fields_named(response)
    assert snapshot(case) == before


def test_a_service_error_names_the_field_as_the_body_has_it(world):
    # given a submitted case; a reason of blanks passes the schema but not the service
    case = submitted_case(world)
    before = snapshot(case)

    response = as_user(world.clerk).post(
        f"/api/v1/officer/cases/{case.number}/commands/reject",
        {"expected_version": case.version, "fields": {"reason": "   "}},
        "application/json",
    )

    assert response.status_code == 422
    assert fields_named(response) == ["fields.reason"]
    assert snapshot(case) == before


def test_an_unknown_command_is_404_naming_it(world):
    case = submitted_case(world)
    before = snapshot(case)

    response = as_user(world.clerk).post(
        f"/api/v1/officer/cases/{case.number}/commands/approve_everything",
        {"expected_version": case.version, "fields": {}},
        "application/json",
    )

    assert response.status_code == 404
    assert fields_named(response) == ["command"]
    assert "accept, reject, request_supplement" in response.json()["detail"]
    assert snapshot(case) == before


def test_typed_commands_still_work(world):
    # given an accepted case (version 0 when received, 1 once accepted)
    case = accepted_case(world)
    premises = world.required_materials[1]

    # when the reviewer asks for one material and a document by name
    response = as_user(world.reviewer).post(
        f"/api/v1/officer/cases/{case.number}/commands/request_supplement",
        {
            "expected_version": 1,
            "fields": {
                "items": [
                    {"material_id": premises.pk, "reason": "The lease has expired."},
                    {"name": "消防验收意见书", "reason": "Missing."},
                ],
                "note": "Both at once.",
            },
        },
        "application/json",
    )

    # then the case waits for the applicant with both items
    assert response.status_code == 200, response.content
    assert response.json()["step"] == "review_supplement"
    supplement = case.supplement_requests.get()
    assert supplement.items == [
        {"material_id": premises.pk, "name": "经营场所证明", "reason": "The lease has expired."},
        {"material_id": None, "name": "消防验收意见书", "reason": "Missing."},
    ]


# --- a NUL character anywhere -------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/services?department=SCJG%00", "department"),
        ("/api/v1/services?topic=%00", "topic"),
        ("/api/v1/services/search?q=%E8%90%A5%E4%B8%9A%00", "q"),
        ("/api/v1/services/11370100TEST%00", "path"),
        ("/api/v1/services/11370100TEST/versions/1%00", "path"),
        ("/api/v1/departments?x%00=1", "x\x00"),
    ],
)
def test_a_nul_character_in_a_catalog_request_is_400_without_signing_in(url, field):
    response = Client(raise_request_exception=False).get(url)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert fields_named(response) == [field]


def test_a_nul_character_in_a_case_path_query_header_or_cookie_is_400(world):
    case = submitted_case(world)
    applicant, clerk = as_user(world.applicant), as_user(world.clerk)
    before = snapshot(case)

    responses = {
        "path": applicant.get(f"/api/v1/cases/{case.number}%00"),
        "assignee": clerk.get("/api/v1/officer/cases", {"assignee": "me\x00"}),
        "Idempotency-Key": applicant.post(
            f"/api/v1/applications/{case.application_id}/submit",
            headers={"Idempotency-Key": "k\x001"},
        ),
        "Cookie": applicant.get("/api/v1/cases", headers={"Cookie": "theme=dark\x00"}),
    }

    for field, response in responses.items():
        assert response.status_code == 400, (field, response.content)
        assert fields_named(response) == [field]
    assert snapshot(case) == before


def test_a_nul_character_in_json_or_form_fields_is_400_naming_the_field(world):
    # given a draft
    draft = draft_application(world, upload_required=False)
    applicant = as_user(world.applicant)
    before = snapshot()
    saved = Application.objects.filter(pk=draft.pk).values().get()

    # when text with a NUL character comes as a JSON string, a JSON key or a form field
    created = applicant.post(
        "/api/v1/applications", '{"service_code": "11370100\\u0000"}', "application/json"
    )
    answered = applicant.patch(
        f"/api/v1/applications/{draft.pk}",
        '{"form_data": {"shop_name": "泉城\\u0000小吃"}}',
        "application/json",
    )
    keyed = applicant.patch(
        f"/api/v1/applications/{draft.pk}",
        '{"form_data": {"shop\\u0000name": "泉城小吃"}}',
        "application/json",
    )
    body, content_type = multipart(
        {"name": "租赁\x00合同"}, filename="lease.pdf", content=PDF_BYTES
    )
    uploaded = applicant.post(
        f"/api/v1/applications/{draft.pk}/materials", body, content_type=content_type
    )

    # then each is 400 naming where, and nothing was stored
    assert (created.status_code, fields_named(created)) == (400, ["service_code"])
    assert (answered.status_code, fields_named(answered)) == (400, ["form_data.shop_name"])
    assert (keyed.status_code, fields_named(keyed)) == (400, ["form_data.shop\x00name"])
    assert (uploaded.status_code, fields_named(uploaded)) == (400, ["name"])
    assert snapshot() == before
    assert Application.objects.filter(pk=draft.pk).values().get() == saved


def test_a_nul_character_outside_the_api_gets_a_plain_400_page(world):
    for url in ("/?q=%00", "/services/11370100TEST%00/"):
        response = Client(raise_request_exception=False).get(url)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        assert "Bad request" in response.content.decode()


# --- JSON the platform cannot store ---------------------------------------------------------


@pytest.mark.parametrize(
    ("form_data", "field"),
    [
        ('{"area_m2": NaN}', "form_data.area_m2"),
        ('{"area_m2": Infinity}', "form_data.area_m2"),
        ('{"area_m2": -Infinity}', "form_data.area_m2"),
        ('{"area_m2": 1e999}', "form_data.area_m2"),
        ('{"area_m2": 99999999999999999999}', "form_data.area_m2"),
        ('{"shop_name": "\\ud800"}', "form_data.shop_name"),
        ('{"address": {"street": ["\\udfff"]}}', "form_data.address.street.0"),
        # the body is level 1, form_data level 2, its 31st "x" level 33: one too deep
        ('{"x": ' + '{"x": ' * 499 + "1" + "}" * 500, "form_data" + ".x" * 31),
    ],
)
def test_form_answers_that_cannot_be_stored_are_400_naming_the_field(world, form_data, field):
    draft = draft_application(world, upload_required=False)
    saved = Application.objects.filter(pk=draft.pk).values().get()

    response = as_user(world.applicant).patch(
        f"/api/v1/applications/{draft.pk}", f'{{"form_data": {form_data}}}', "application/json"
    )

    assert response.status_code == 400, response.content
    assert fields_named(response) == [field]
    assert Application.objects.filter(pk=draft.pk).values().get() == saved


@pytest.mark.parametrize(
    "body", [b"{", b"\xff\xfe{}", b'{"form_data": {}} trailing', b"[" * 100_000]
)
def test_a_body_that_is_not_json_is_400_naming_the_body(world, body):
    draft = draft_application(world, upload_required=False)

    response = as_user(world.applicant).patch(
        f"/api/v1/applications/{draft.pk}", body, "application/json"
    )

    assert response.status_code == 400
    assert fields_named(response) == ["body"]


def test_numbers_beyond_a_database_column_are_refused(world):
    case = submitted_case(world)
    clerk, applicant = as_user(world.clerk), as_user(world.applicant)
    before = snapshot(case)

    too_big = 2**63  # one more than the largest signed 64-bit integer
    in_path = applicant.get(f"/api/v1/applications/{too_big}")
    in_query = applicant.get("/api/v1/cases", {"page": too_big})
    in_body = clerk.post(
        f"/api/v1/officer/cases/{case.number}/assign",
        f'{{"assignee_id": {too_big}}}',
        "application/json",
    )

    assert (in_path.status_code, fields_named(in_path)) == (422, ["application_id"])
    assert (in_query.status_code, fields_named(in_query)) == (422, ["page"])
    assert (in_body.status_code, fields_named(in_body)) == (400, ["assignee_id"])
    assert snapshot(case) == before


# --- bodies over the limits and long file names ----------------------------------------------


def test_a_json_body_over_the_memory_limit_is_413(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    draft = draft_application(world, upload_required=False)
    saved = Application.objects.filter(pk=draft.pk).values().get()

    response = as_user(world.applicant).patch(
        f"/api/v1/applications/{draft.pk}",
        '{"form_data": {"shop_name": "' + "泉" * 1000 + '"}}',
        "application/json",
    )

    assert response.status_code == 413
    assert fields_named(response) == ["body"]
    assert response.json()["limit"] == 1000
    assert Application.objects.filter(pk=draft.pk).values().get() == saved


def test_too_many_form_fields_is_413(world, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    draft = draft_application(world, upload_required=False)
    before = snapshot()
    fields = {f"f{n}": "x" for n in range(11)}
    body, content_type = multipart(fields, filename="lease.pdf", content=PDF_BYTES)

    response = as_user(world.applicant).post(
        f"/api/v1/applications/{draft.pk}/materials", body, content_type=content_type
    )

    assert response.status_code == 413
    assert response.json()["limit"] == 10
    assert snapshot() == before


def test_a_body_larger_than_any_upload_is_413_before_it_is_read(world, settings):
    settings.YIWANG_UPLOAD_MAX_BYTES = 1000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    draft = draft_application(world, upload_required=False)
    before = snapshot()
    body, content_type = multipart(
        {"material_id": str(world.materials[0].pk)}, filename="scan.pdf", content=b"0" * 3000
    )

    response = as_user(world.applicant).post(
        f"/api/v1/applications/{draft.pk}/materials", body, content_type=content_type
    )

    assert response.status_code == 413
    assert response.json()["limit"] == 2000  # the largest file and the form fields' allowance
    assert snapshot() == before


def test_a_thousand_character_file_name_is_400_json(world):
    draft = draft_application(world, upload_required=False)
    before = snapshot()
    body, content_type = multipart(
        {"material_id": str(world.materials[0].pk)}, filename="租" * 996 + ".pdf", content=PDF_BYTES
    )

    response = as_user(world.applicant).post(
        f"/api/v1/applications/{draft.pk}/materials", body, content_type=content_type
    )

    # Django reads no multipart part whose headers pass 1 KiB, so the form as a whole is refused.
    assert response.status_code == 400
    assert fields_named(response) == ["body"]
    assert snapshot() == before


def test_a_file_name_with_a_long_extension_streamed_to_disk_is_stored(world, settings):
    # given uploads stream to a temporary file, and a name whose "extension" is 303 bytes
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    draft = draft_application(world, upload_required=False)
    name = "营业执照." + "扫" * 100
    body, content_type = multipart(
        {"material_id": str(world.materials[0].pk)}, filename=name, content=PDF_BYTES
    )

    response = as_user(world.applicant).post(
        f"/api/v1/applications/{draft.pk}/materials", body, content_type=content_type
    )

    # then the file is taken (the temporary file is named by us), and offered under its name
    # with the extension of its content (a PDF)
    assert response.status_code == 201, response.content
    assert response.json()["original_name"] == "营业执照.pdf"


def test_a_token_client_gets_the_same_answers(world):
    # given an API token (no session, no CSRF) with the applicant's scopes
    secret = api_token_create(
        owner=world.applicant, name="t", scopes=[Scope.CASES_READ, Scope.APPLICATIONS_WRITE]
    ).secret
    draft = draft_application(world, upload_required=False)

    response = Client(raise_request_exception=False).patch(
        f"/api/v1/applications/{draft.pk}",
        '{"form_data": {"area_m2": NaN}}',
        "application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )

    assert response.status_code == 400
    assert fields_named(response) == ["form_data.area_m2"]


@pytest.mark.parametrize(
    "disposition",
    ['filename="scan\x00.pdf"', "filename*=UTF-8''scan%00.pdf"],
    ids=["filename", "filename*"],
)
def test_an_upload_whose_file_name_holds_a_nul_character_never_stores_it(
    world, settings, disposition, django_capture_on_commit_callbacks
):
    """The probe's ``scan\x00`` upload. Django's multipart parser drops non-printable
    characters from a file name before any view sees it (both the plain and the RFC 2231
    form), so the edge's NUL check never fires for a name: the file is taken under the
    name without it, one row and one stored file, and no NUL reaches the database."""
    from pathlib import Path

    from yiwang.cases.models import CaseMaterial

    draft = draft_application(world, upload_required=False)
    material = world.required_materials[0]
    media = Path(settings.MEDIA_ROOT)
    files_before = {p for p in media.rglob("*") if p.is_file()} if media.exists() else set()
    boundary = "yiwang-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="material_id"\r\n\r\n'
            f"{material.pk}\r\n"
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; {disposition}\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF_BYTES
        + f"\r\n--{boundary}--\r\n".encode()
    )

    with django_capture_on_commit_callbacks(execute=True):  # the upload's commit hooks
        response = as_user(world.applicant).post(
            f"/api/v1/applications/{draft.pk}/materials",
            body,
            content_type=f"multipart/form-data; boundary={boundary}",
        )

    assert response.status_code == 201, response.content
    assert response.json()["original_name"] == "scan.pdf"
    [row] = CaseMaterial.objects.filter(application_id=draft.pk)
    assert "\x00" not in row.original_name and "\x00" not in row.file.name
    files_after = {p for p in media.rglob("*") if p.is_file()} if media.exists() else set()
    assert files_after - files_before == {Path(row.file.path)}
