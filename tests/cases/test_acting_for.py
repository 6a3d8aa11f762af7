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
