"""Issue 11: a form is published only with its English (titles, hints, option labels)."""

# ruff: noqa: E501 - data: the refused forms read better one to a line

import pytest
from django.core.exceptions import ValidationError

from tests.factories import publish_service
from yiwang.catalog import selectors, services
from yiwang.catalog.models import ServiceVersion
from yiwang.core.models import AuditEntry

pytestmark = pytest.mark.django_db

SEX = {"type": "string", "title": "性别", "title_en": "Sex", "enum": ["男", "女"]}


def schema(**properties):
    return {"type": "object", "properties": properties}


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (schema(name={"type": "string", "title": "姓名"}), "Field “name” of the form needs an English title"),
        (
            schema(phone={"type": "string", "title": "电话", "title_en": "Phone", "description": "手机号码"}),
            "Field “phone” of the form needs an English description",
        ),
        (schema(sex=SEX), "Field “sex” of the form needs “enumNames_en”: one English label for each of its 2 options."),
        (
            schema(sex={**SEX, "enumNames_en": ["Male"]}),
            "Field “sex” of the form needs “enumNames_en”: one English label for each of its 2 options.",
        ),
        (
            schema(
                address={
                    "type": "object", "title": "地址", "title_en": "Address",
                    "properties": {"street": {"type": "string", "title": "街道"}},
                }
            ),
            "Field “address.street” of the form needs an English title",
        ),
        (
            schema(
                kind={
                    "type": "string", "title": "类型", "title_en": "Kind",
                    "oneOf": [{"const": "a", "title": "甲", "title_en": "A"}, {"const": "b", "title": "乙"}],
                }
            ),
            "Option “b” of field “kind” needs an English title",
        ),
    ],
)  # fmt: skip
def test_publishing_refuses_a_form_without_its_english_and_changes_nothing(form, message):
    v1 = publish_service()
    draft = services.service_version_create_draft(item=v1.item, actor=None)
    draft = services.service_version_update_draft(version=draft, actor=None, form_schema=form)
    audit_before = AuditEntry.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        services.service_version_publish(version=draft, actor=None)

    assert message in " ".join(excinfo.value.message_dict["form_schema"])
    draft.refresh_from_db()
    assert draft.status == ServiceVersion.Status.DRAFT
    assert selectors.service_guide(v1.item.code).number == 1
    assert AuditEntry.objects.count() == audit_before


def test_a_bilingual_form_publishes():
    v1 = publish_service()
    draft = services.service_version_create_draft(item=v1.item, actor=None)
    form = schema(sex={**SEX, "enumNames_en": ["Male", "Female"], "description": "按证件填写", "description_en": "As on your ID"})  # fmt: skip
    draft = services.service_version_update_draft(version=draft, actor=None, form_schema=form)

    published = services.service_version_publish(version=draft, actor=None)

    assert published.status == ServiceVersion.Status.PUBLISHED
