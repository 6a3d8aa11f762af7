"""Catalog administration through the real Django admin, as a superuser would use it."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import PDF_BYTES, DepartmentFactory, UserFactory, publish_service
from yiwang.catalog.models import ServiceItem, ServiceVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # assert on the English texts
    return client


def version_form(item, **overrides):
    data = {
        "item": item.pk,
        "name_zh": "户外广告设施设置审批",
        "name_en": "Outdoor advertising approval",
        "kind": "licensing",
        "service_object": "both",
        "legal_limit_days": "20",
        "promised_limit_days": "5",
        "visits": "0",
        "is_free": "on",
        "online_available": "on",
        "steps": '[{"name_zh": "受理", "name_en": "Acceptance"}]',
        "form_schema": json.dumps(
            {
                "type": "object",
                "properties": {
                    "sign": {"type": "string", "title": "招牌内容", "title_en": "Text of the sign"}
                },
            }
        ),
        "workflow": "licensing",
        "workflow_overrides": "{}",
        "materials-TOTAL_FORMS": "1",
        "materials-INITIAL_FORMS": "0",
        "materials-0-order": "0",
        "materials-0-name_zh": "设计效果图",
        "materials-0-name_en": "Design drawing",
        "materials-0-requirement": "required",
        "materials-0-formats": ["pdf", "jpg"],
        "materials-0-copies": "1",
        "fees-TOTAL_FORMS": "0",
        "fees-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_catalog_pages_open(admin_client):
    publish_service()
    for name in ["serviceitem", "serviceversion", "topic", "certificatetype"]:
        assert admin_client.get(reverse(f"admin:catalog_{name}_changelist")).status_code == 200
        assert admin_client.get(reverse(f"admin:catalog_{name}_add")).status_code == 200


def test_add_a_version_with_materials_and_publish_it(admin_client):
    # given a new service item
    item = ServiceItem.objects.create(code="11370100AD0001", department=DepartmentFactory())

    # when the administrator fills in the version and presses "Save and publish"
    response = admin_client.post(
        reverse("admin:catalog_serviceversion_add"),
        version_form(item, _publish="Save and publish"),
        follow=True,
    )

    # then the version is published with its material and the guide is public
    assert response.status_code == 200
    version = ServiceVersion.objects.get(item=item)
    assert version.status == "published"
    assert version.number == 1
    assert list(version.materials.values_list("name_zh", "formats")) == [
        ("设计效果图", ["pdf", "jpg"])
    ]
    assert "Published version 1 of 户外广告设施设置审批." in response.content.decode()
    # and the published version is read-only: posting a change does not alter it
    change_url = reverse("admin:catalog_serviceversion_change", args=[version.pk])
    assert "Create a new draft" in admin_client.get(change_url).content.decode()
    refused = admin_client.post(change_url, version_form(item, name_zh="改名"))
    assert refused.status_code == 403
    version.refresh_from_db()
    assert version.name_zh == "户外广告设施设置审批"


def test_publish_errors_are_shown_clearly_and_the_draft_stays_a_draft(admin_client):
    item = ServiceItem.objects.create(code="11370100AD0002", department=DepartmentFactory())
    response = admin_client.post(
        reverse("admin:catalog_serviceversion_add"),
        version_form(item, steps="[]", _publish="Save and publish"),
        follow=True,
    )
    version = ServiceVersion.objects.get(item=item)
    assert version.status == "draft"
    page = response.content.decode()
    assert "Not published: steps: List the steps of the process." in page


def test_invalid_json_schema_is_rejected_on_save_with_a_message(admin_client):
    item = ServiceItem.objects.create(code="11370100AD0003", department=DepartmentFactory())
    response = admin_client.post(
        reverse("admin:catalog_serviceversion_add"),
        version_form(
            item, form_schema='{"type": "object", "properties": {"a": {"type": "strin"}}}'
        ),
    )
    assert response.status_code == 200  # the form is shown again
    assert not ServiceVersion.objects.filter(item=item).exists()
    assert "form_schema" in response.context["adminform"].form.errors


def test_new_draft_button_copies_the_published_version(admin_client):
    published = publish_service(name_zh="婚姻登记")
    response = admin_client.post(
        reverse("admin:catalog_serviceversion_new_draft", args=[published.pk]), follow=True
    )
    draft = ServiceVersion.objects.get(item=published.item, number=2)
    assert draft.status == "draft"
    assert draft.name_zh == "婚姻登记"
    assert response.redirect_chain[-1][0].endswith(f"/{draft.pk}/change/")


def test_a_catalog_administrator_without_superuser_rights_can_draft_and_publish(client):
    # given a staff member holding only the catalog_admin role
    from yiwang.identity.models import Role
    from yiwang.identity.services import role_assign, roles_sync_groups

    roles_sync_groups()
    user = UserFactory()
    role_assign(user=user, role=Role.CATALOG_ADMIN, actor=None)
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    published = publish_service(name_zh="婚姻登记")

    # when they open the catalog and draft a new version from the published one
    assert client.get(reverse("admin:catalog_serviceversion_changelist")).status_code == 200
    client.post(reverse("admin:catalog_serviceversion_new_draft", args=[published.pk]))
    draft = ServiceVersion.objects.get(item=published.item, number=2)

    # then they can publish it with the publish action
    response = client.post(
        reverse("admin:catalog_serviceversion_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
        follow=True,
    )
    draft.refresh_from_db()
    assert draft.status == "published"
    assert "Published version 2 of 婚姻登记." in response.content.decode()


def test_an_officer_without_the_catalog_role_cannot_open_the_catalog_admin(client):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    response = client.get(reverse("admin:catalog_serviceversion_changelist"))
    assert response.status_code == 403


def test_the_guides_result_and_forms_are_edited_in_the_admin_and_served(admin_client, client):
    # given a new service item
    item = ServiceItem.objects.create(code="11370100AD0009", department=DepartmentFactory())

    # when the administrator gives the result and uploads a blank form, then publishes
    response = admin_client.post(
        reverse("admin:catalog_serviceversion_add"),
        version_form(
            item,
            result_name_zh="户外广告设置许可决定书",
            result_name_en="Outdoor advertising licence decision",
            blank_form=SimpleUploadedFile("申请表.pdf", PDF_BYTES),
            _publish="Save and publish",
        ),
        follow=True,
    )

    # then the published guide offers the form, served as the PDF that was uploaded
    assert response.status_code == 200
    version = ServiceVersion.objects.get(item=item)
    assert version.status == "published" and version.result_name_zh == "户外广告设置许可决定书"
    download = client.get(reverse("portal:guide_file", args=[item.code, "blank-form"]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF_BYTES
    # and a file the guide does not have is not found
    missing = client.get(reverse("portal:guide_file", args=[item.code, "sample-form"]))
    assert missing.status_code == 404


def test_a_guide_file_of_another_type_is_refused(admin_client):
    item = ServiceItem.objects.create(code="11370100AD0010", department=DepartmentFactory())

    response = admin_client.post(
        reverse("admin:catalog_serviceversion_add"),
        version_form(item, blank_form=SimpleUploadedFile("form.exe", b"MZ")),
    )

    assert response.status_code == 200  # the form again, with the error
    assert "File extension “exe” is not allowed" in response.content.decode()
    assert not ServiceVersion.objects.filter(item=item).exists()
