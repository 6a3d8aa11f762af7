"""Applying for an enterprise (法人代办): only its legal representative or an authorised agent.

Found by a probe: a citizen could put any credit code in a form and apply for an
enterprise that was not theirs. The credit code of an application is that of the
enterprise it is made for, and the applicant must act for it, today.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import (
    FORM_SCHEMA,
    MATERIALS,
    T0,
    VALID_FORM,
    citizen,
    licensing_service,
    upload,
    uscc,
)
from yiwang.cases import services
from yiwang.cases.models import Application, Case
from yiwang.catalog.models import ServiceVersion
from yiwang.identity import services as identity_services

pytestmark = pytest.mark.django_db

SCHEMA = {
    **FORM_SCHEMA,
    "properties": {
        **FORM_SCHEMA["properties"],
        "uscc": {"type": "string", "title": "统一社会信用代码", "format": "cn-uscc"},
    },
}


@pytest.fixture(autouse=True)
def _at_t0(clock):
    clock.move_to(T0, tick=False)


def enterprise_service(**fields) -> ServiceVersion:
    return licensing_service(
        form_schema=SCHEMA,
        materials=MATERIALS,
        service_object=ServiceVersion.ServiceObject.BOTH,
        **fields,
    )


def legal_representative_of(name: str = "济南泉城味道餐饮有限公司"):
    user = citizen(name="李华")
    enterprise = identity_services.enterprise_register(
        user=user, name=name, uscc=uscc(), legal_representative="李华",
        is_legal_representative=True,
    )  # fmt: skip
    return user, enterprise


def test_the_credit_code_is_prefilled_and_must_stay_the_enterprises():
    # Given: the legal representative of one enterprise, and another enterprise
    service = enterprise_service()
    user, enterprise = legal_representative_of()
    _other_user, other = legal_representative_of("另一家公司")
    draft = services.application_create_draft(
        applicant=user, service_code=service.item.code, enterprise=enterprise, at=T0
    )
    assert draft.form_data["uscc"] == enterprise.uscc

    # When: the answers name the other enterprise's credit code
    with pytest.raises(ValidationError) as refused:
        services.application_update_draft(
            application=draft, applicant=user, form_data={**VALID_FORM, "uscc": other.uscc}, at=T0
        )

    # Then: refused on the field, and the draft keeps its answers
    assert list(refused.value.message_dict) == ["uscc"]
    draft.refresh_from_db()
    assert draft.form_data["uscc"] == enterprise.uscc


def test_a_person_cannot_name_a_credit_code_without_acting_for_the_enterprise():
    service = enterprise_service()
    person = citizen()
    _rep, enterprise = legal_representative_of()
    draft = services.application_create_draft(
        applicant=person, service_code=service.item.code, at=T0
    )

    with pytest.raises(ValidationError) as refused:
        services.application_update_draft(
            application=draft,
            applicant=person,
            form_data={**VALID_FORM, "uscc": enterprise.uscc},
            at=T0,
        )

    assert "do not act for" in refused.value.message_dict["uscc"][0]


def test_a_sole_proprietor_applies_in_their_own_name_with_their_businesss_code():
    # Given: 张明 runs a 个体工商户 (credit code 92…) registered with him as its operator
    service = enterprise_service()
    owner = citizen(name="张明")
    shop = identity_services.enterprise_register(
        user=owner, name="张明小吃店", uscc=uscc("92370102MA3CXK7B1"), legal_representative="张明",
        is_legal_representative=True,
    )  # fmt: skip
    draft = services.application_create_draft(
        applicant=owner, service_code=service.item.code, at=T0
    )

    # When: he applies in his own name with the shop's code
    saved = services.application_update_draft(
        application=draft, applicant=owner, form_data={**VALID_FORM, "uscc": shop.uscc}, at=T0
    )

    # Then
    assert saved.form_data["uscc"] == "92370102MA3CXK7B18"


def test_an_agent_acts_while_the_authorisation_lasts():
    # Given: an agent authorised until 2026-03-05 (T0 is 2 March 2026)
    service = enterprise_service()
    rep, enterprise = legal_representative_of()
    agent = citizen(name="王芳")
    identity_services.enterprise_add_member(
        enterprise=enterprise, user=agent, actor=rep,
        authorisation="授权委托书 2026-03-01", valid_until=date(2026, 3, 5),
    )  # fmt: skip
    draft = services.application_create_draft(
        applicant=agent, service_code=service.item.code, enterprise=enterprise, at=T0
    )
    services.application_update_draft(
        application=draft, applicant=agent, form_data={**VALID_FORM, "uscc": enterprise.uscc},
        at=T0,
    )  # fmt: skip
    for material in service.materials.filter(requirement="required"):
        services.material_upload(
            actor=agent, application=draft, material_id=material.pk, file=upload(), at=T0
        )

    # When: the authorisation has expired by the time the agent submits
    with pytest.raises(ValidationError) as refused:
        services.application_submit(
            application=draft, applicant=agent, at=T0.replace(day=6)
        )  # a Friday, the day after the last valid one

    # Then: refused, no case; and no new draft for that enterprise either
    assert "no longer act" in refused.value.message_dict["enterprise"][0]
    assert not Case.objects.exists()
    assert Application.objects.get(pk=draft.pk).status == Application.Status.DRAFT


def test_an_agent_is_added_only_with_a_power_of_attorney():
    rep, enterprise = legal_representative_of()

    with pytest.raises(ValidationError) as refused:
        identity_services.enterprise_add_member(enterprise=enterprise, user=citizen(), actor=rep)

    assert "authorisation" in refused.value.message_dict


def test_nobody_applies_for_an_enterprise_they_do_not_act_for():
    service = enterprise_service()
    _rep, enterprise = legal_representative_of()

    with pytest.raises(PermissionDenied):
        services.application_create_draft(
            applicant=citizen(), service_code=service.item.code, enterprise=enterprise, at=T0
        )


# --- every credit-code answer is checked, whatever its name and depth --------------------------

CODE = {"type": "string", "title": "统一社会信用代码", "format": "cn-uscc"}
COMPANY = {
    "type": "object",
    "title": "委托企业",
    "properties": {"code": CODE, "name": {"type": "string", "title": "名称"}},
}
NESTED_SCHEMAS = {
    # a top-level name the prefill does not know
    "company_uscc": {"properties": {"company_uscc": CODE}},
    # inside an object
    "company.code": {"properties": {"company": COMPANY}},
    # in a repeating group (the second entry)
    "partners.1.code": {
        "properties": {"partners": {"type": "array", "title": "合伙企业", "items": COMPANY}},
    },
    # a list of codes
    "codes.1": {"properties": {"codes": {"type": "array", "title": "关联企业", "items": CODE}}},
    # through $defs and allOf
    "holder.code": {
        "$defs": {"company": COMPANY},
        "allOf": [{"properties": {"holder": {"$ref": "#/$defs/company"}}}],
    },
}


def _answers_at(path: str, wrong: str, right: str) -> dict:
    """The answers with ``wrong`` at ``path`` (and ``right`` in the entry before, in lists)."""
    head, *rest = path.split(".")
    if not rest:
        return {head: wrong}
    if head == "codes":
        return {"codes": [right, wrong]}
    if head == "partners":
        return {"partners": [{"code": right, "name": "甲"}, {"code": wrong, "name": "乙"}]}
    return {head: {"code": wrong, "name": "乙"}}


def _nested_service(path: str) -> ServiceVersion:
    extra = NESTED_SCHEMAS[path]
    schema = {**FORM_SCHEMA, **extra}
    schema["properties"] = {**FORM_SCHEMA["properties"], **extra.get("properties", {})}
    return licensing_service(
        form_schema=schema, materials=MATERIALS, service_object=ServiceVersion.ServiceObject.BOTH
    )


@pytest.mark.parametrize("path", sorted(NESTED_SCHEMAS))
def test_a_person_cannot_name_another_enterprises_code_in_any_field_of_that_format(path):
    # Given: a person who acts for one enterprise (a sole proprietor), and another one's code
    service = _nested_service(path)
    person = citizen(name="张明")
    shop = identity_services.enterprise_register(
        user=person, name="张明小吃店", uscc=uscc(), legal_representative="张明",
        is_legal_representative=True,
    )  # fmt: skip
    _rep, other = legal_representative_of("另一家公司")
    draft = services.application_create_draft(
        applicant=person, service_code=service.item.code, at=T0
    )
    before = dict(Application.objects.get(pk=draft.pk).form_data)

    # When: the field (at any depth) names the other enterprise's code
    with pytest.raises(ValidationError) as refused:
        services.application_update_draft(
            application=draft,
            applicant=person,
            form_data={**VALID_FORM, **_answers_at(path, other.uscc, shop.uscc)},
            at=T0,
        )

    # Then: refused on that field only (his own shop's code, elsewhere, passes), nothing saved
    assert list(refused.value.message_dict) == [path]
    assert "do not act for" in refused.value.message_dict[path][0]
    assert Application.objects.get(pk=draft.pk).form_data == before


@pytest.mark.parametrize("path", sorted(NESTED_SCHEMAS))
def test_an_agent_names_only_the_enterprises_own_code_in_any_field_of_that_format(path):
    # Given: the legal representative applying for their enterprise
    service = _nested_service(path)
    user, enterprise = legal_representative_of()
    _rep, other = legal_representative_of("另一家公司")
    draft = services.application_create_draft(
        applicant=user, service_code=service.item.code, enterprise=enterprise, at=T0
    )

    # When / then: the enterprise's own code is accepted everywhere …
    services.application_update_draft(
        application=draft,
        applicant=user,
        form_data={**VALID_FORM, **_answers_at(path, enterprise.uscc, enterprise.uscc)},
        at=T0,
    )
    # … and another's is refused on its field
    with pytest.raises(ValidationError) as refused:
        services.application_update_draft(
            application=draft,
            applicant=user,
            form_data={**VALID_FORM, **_answers_at(path, other.uscc, enterprise.uscc)},
            at=T0,
        )
    assert list(refused.value.message_dict) == [path]
    assert "not the credit code of" in refused.value.message_dict[path][0]


def test_a_code_that_is_not_one_keeps_its_format_error():
    service = enterprise_service()
    person = citizen()
    draft = services.application_create_draft(
        applicant=person, service_code=service.item.code, at=T0
    )

    with pytest.raises(ValidationError) as refused:
        services.application_update_draft(
            application=draft,
            applicant=person,
            form_data={**VALID_FORM, "uscc": "91370100MA0000000X"},
            at=T0,
        )

    # the check character's message, not "you do not act for" in its place
    messages = " ".join(refused.value.message_dict["uscc"])
    assert "do not act for" not in messages
