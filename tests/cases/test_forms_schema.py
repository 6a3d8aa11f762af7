"""Identity fields in application forms are checked by the project's validators, not a regex.

Found by a probe: wrong check characters, 30 February, a birth in 2099, all zeros and a
trailing newline all passed the demo forms' ``pattern``. Expected messages are the
validators' own (identity/validators.py); the numbers are hand-made: 11010519491231002X
is the example of GB 11643's annex, 91350100M000100Y43 a valid credit code.
"""

from __future__ import annotations

import pytest

from yiwang.cases.forms_schema import clean_answers, form_errors

SCHEMA = {
    "type": "object",
    "properties": {
        "id_number": {"type": "string", "format": "cn-resident-id"},
        "credit_code": {"type": "string", "format": "cn-uscc"},
        "phone": {"type": "string", "format": "cn-phone"},
        "postcode": {"type": "string", "format": "cn-postcode"},
    },
}


def errors_for(**answers) -> dict[str, list[str]]:
    return form_errors(SCHEMA, clean_answers(answers))


def test_valid_identity_answers_pass():
    assert (
        errors_for(
            id_number="11010519491231002X",
            credit_code="91350100M000100Y43",
            phone="0531-86081234",
            postcode="250000",
        )
        == {}
    )


def test_a_lower_case_check_character_and_surrounding_white_space_are_accepted():
    assert errors_for(id_number=" 11010519491231002x\n") == {}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("110105194912310021", "check character"),  # one digit off the check
        ("110105194902300021", "not a valid birth date"),  # 30 February 1949
        ("110105209901010021", "in the future"),  # born in 2099
        ("000000000000000000", "region"),  # all zeros
        ("11010519491231002", "18 characters"),
    ],
)
def test_a_wrong_resident_id_is_refused_with_the_reason(clock, value, message):
    clock.move_to("2026-03-02T09:00:00+08:00", tick=False)

    errors = errors_for(id_number=value)

    assert list(errors) == ["id_number"]
    assert message in errors["id_number"][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("credit_code", "91350100M000100Y44"),  # wrong check character
        ("credit_code", "000000000000000000"),
        ("phone", "1234"),
        ("postcode", "25000"),
        ("postcode", "２５００００"),  # full-width digits
    ],
)
def test_other_wrong_identity_answers_are_refused(field, value):
    assert list(errors_for(**{field: value})) == [field]


@pytest.mark.django_db
def test_the_api_refuses_a_draft_with_a_wrong_id_number_naming_the_field(clock):
    from django.test import Client

    from tests.factories import FORM_SCHEMA, VALID_FORM, case_world

    clock.move_to("2026-03-02T09:00:00+08:00", tick=False)
    schema = {
        **FORM_SCHEMA,
        "properties": {
            **FORM_SCHEMA["properties"],
            "id_number": {"type": "string", "title": "身份证号", "format": "cn-resident-id"},
        },
    }
    world = case_world(form_schema=schema)
    client = Client()
    client.force_login(world.applicant)
    draft = client.post(
        "/api/v1/applications", {"service_code": world.service.item.code}, "application/json"
    ).json()

    response = client.patch(
        f"/api/v1/applications/{draft['id']}",
        {"form_data": {**VALID_FORM, "id_number": "110105194902300021"}},
        "application/json",
    )

    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert any(field.endswith("id_number") for field in fields), response.json()
    assert "19490230" in response.json()["detail"]  # the message names the birth date
    assert (
        client.get(f"/api/v1/applications/{draft['id']}").json()["form_data"] == draft["form_data"]
    )
