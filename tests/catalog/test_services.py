"""Catalog versioning: drafts are edited, publishing freezes, earlier versions stay readable."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import DepartmentFactory, add_parts, publish_service
from yiwang.catalog import selectors, services
from yiwang.catalog.models import (
    ImmutableVersionError,
    Material,
    SearchTerm,
    ServiceVersion,
)
from yiwang.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_publish_freezes_the_version_and_makes_it_current():
    # given a draft
    draft = services.service_item_create(
        code="11370100TEST000001",
        department=DepartmentFactory(),
        actor=None,
        name_zh="食品经营许可",
        name_en="Food business licence",
        kind="licensing",
        service_object="both",
        legal_limit_days=20,
        promised_limit_days=10,
        steps=[{"name_zh": "受理", "name_en": "Acceptance"}],
    )
    assert selectors.published_versions().count() == 0

    # when it is published
    published = services.service_version_publish(version=draft, actor=None)

    # then the portal sees it and it can no longer be changed
    assert published.status == ServiceVersion.Status.PUBLISHED
    assert list(selectors.published_versions()) == [published]
    published.name_zh = "改名"
    with pytest.raises(ImmutableVersionError):
        published.save()
    with pytest.raises(ImmutableVersionError):
        Material.objects.create(version=published, name_zh="新材料", name_en="New", formats=["pdf"])
    with pytest.raises(ValidationError, match="published"):
        services.service_version_update_draft(version=published, actor=None, name_zh="改名")
    assert AuditEntry.objects.filter(action="catalog.version_publish").count() == 1


def test_a_new_draft_copies_everything_and_publishing_it_supersedes_the_old_version():
    # given a published service with two materials
    v1 = publish_service(
        name_zh="营业执照办理",
        materials=[
            {"name_zh": "身份证", "name_en": "ID card"},
            {
                "name_zh": "场所证明",
                "name_en": "Premises",
                "requirement": "conditional",
                "condition_zh": "租赁场所时",
            },
        ],
    )

    # when an administrator drafts v2, changes the name and publishes it
    v2 = services.service_version_create_draft(item=v1.item, actor=None)
    assert v2.number == 2
    assert [m.name_zh for m in v2.materials.all()] == ["身份证", "场所证明"]
    services.service_version_update_draft(version=v2, actor=None, name_zh="营业执照申领")
    services.service_version_publish(version=v2, actor=None)

    # then v2 is the guide, v1 is superseded but still readable, unchanged
    assert selectors.service_guide(v1.item.code).name_zh == "营业执照申领"
    old = selectors.service_guide(v1.item.code, 1)
    assert old.status == ServiceVersion.Status.SUPERSEDED
    assert old.name_zh == "营业执照办理"
    assert [v.number for v in selectors.service_versions(v1.item.code)] == [2, 1]
    # and only the current version is searchable
    assert not SearchTerm.objects.filter(version=old).exists()
    assert [v.number for v in selectors.catalog_search("营业执照")] == [2]


def test_only_one_draft_at_a_time():
    v1 = publish_service()
    services.service_version_create_draft(item=v1.item, actor=None)
    with pytest.raises(ValidationError, match="already has a draft"):
        services.service_version_create_draft(item=v1.item, actor=None)


def test_drafts_are_never_shown_as_guides():
    draft = services.service_item_create(
        code="11370100TEST000002",
        department=DepartmentFactory(),
        actor=None,
        name_zh="草稿事项",
        name_en="Draft",
        kind="licensing",
        service_object="person",
        legal_limit_days=5,
        promised_limit_days=5,
    )
    with pytest.raises(selectors.ServiceNotFound):
        selectors.service_guide(draft.item.code)
    with pytest.raises(selectors.ServiceNotFound):
        selectors.service_guide(draft.item.code, 1)


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({"type": "object", "properties": {"a": {"type": "strin", "title": "A"}}}, "not valid"),
        ({"type": "array"}, '"type": "object"'),
        ({"type": "object", "properties": {"a": {"title": "A"}}}, "needs a “type”"),
        ({"type": "object", "properties": {"a": {"type": "string"}}}, "needs a “title”"),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "string", "title": "A"}},
                "required": ["b"],
            },
            "Required field “b”",
        ),
    ],
)
def test_publishing_refuses_an_invalid_form_schema_and_says_why(schema, message):
    v1 = publish_service()
    draft = services.service_version_create_draft(item=v1.item, actor=None)
    draft = services.service_version_update_draft(version=draft, actor=None, form_schema=schema)

    with pytest.raises(ValidationError) as excinfo:
        services.service_version_publish(version=draft, actor=None)

    assert message in " ".join(excinfo.value.message_dict["form_schema"])
    draft.refresh_from_db()
    assert draft.status == ServiceVersion.Status.DRAFT
    assert selectors.service_guide(v1.item.code).number == 1


def test_publishing_refuses_promised_limit_beyond_legal_limit_and_missing_fees():
    v1 = publish_service()
    draft = services.service_version_create_draft(item=v1.item, actor=None)
    draft = services.service_version_update_draft(version=draft, actor=None, is_free=False)
    with pytest.raises(ValidationError) as excinfo:
        services.service_version_publish(version=draft, actor=None)
    assert "is_free" in excinfo.value.message_dict

    with pytest.raises(ValidationError) as excinfo:
        services.service_version_update_draft(
            version=draft, actor=None, promised_limit_days=30, legal_limit_days=20
        )
    assert "promised_limit_days" in excinfo.value.message_dict


def test_conditional_material_must_say_when():
    v1 = publish_service()
    draft = services.service_version_create_draft(item=v1.item, actor=None)
    before = list(draft.materials.values_list("name_zh", flat=True))

    with pytest.raises(ValidationError, match="委托书"):
        add_parts(draft, materials=[
            {"name_zh": "委托书", "name_en": "Power of attorney", "requirement": "conditional"},
        ])  # fmt: skip

    assert list(draft.materials.values_list("name_zh", flat=True)) == before


def test_the_parts_of_a_published_version_cannot_be_changed():
    v1 = publish_service()

    with pytest.raises(ValidationError, match="published"):
        services.service_version_set_parts(version=v1, actor=None, materials=[])

    assert v1.materials.count() == 1


def test_the_order_of_form_fields_is_recorded_so_jsonb_cannot_lose_it():
    schema = {
        "type": "object",
        "properties": {
            "zeta_name": {"type": "string", "title": "姓名"},
            "address": {
                "type": "object",
                "title": "地址",
                "properties": {
                    "street": {"type": "string", "title": "街道"},
                    "city": {"type": "string", "title": "城市"},
                },
            },
            "age": {"type": "integer", "title": "年龄"},
        },
    }
    version = publish_service(form_schema=schema)
    version.refresh_from_db()
    assert version.form_schema["x-order"] == ["zeta_name", "address", "age"]
    assert version.form_schema["properties"]["address"]["x-order"] == ["street", "city"]
