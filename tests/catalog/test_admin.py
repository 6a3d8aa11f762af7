"""Catalog administration through the real Django admin, as a superuser would use it."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import PDF_BYTES, DepartmentFactory, UserFactory, publish_service
from yiwang.catalog import services
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


def test_admin_is_branded_in_both_languages(admin_client):
    english = admin_client.get(reverse("admin:index")).content.decode()
    chinese = admin_client.get(
        reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    assert "yiwang administration" in english
    assert "一网 yiwang 管理后台" in chinese
    assert "Django" not in english and "Django" not in chinese


def test_json_fields_are_pretty_printed_on_the_change_page(admin_client):
    item = ServiceItem.objects.create(code="11370100AD0010", department=DepartmentFactory())
    admin_client.post(reverse("admin:catalog_serviceversion_add"), version_form(item))
    version = ServiceVersion.objects.get(item=item)

    page = admin_client.get(reverse("admin:catalog_serviceversion_change", args=[version.pk]))

    steps = page.context["adminform"].form["steps"].value()
    html = page.content.decode()
    # indented two spaces, Chinese as written (not \\u escapes)
    # (PostgreSQL's jsonb orders an object's keys its own way: name_en may come first)
    assert "[\n  {\n    &quot;name_" in html
    assert "&quot;name_zh&quot;: &quot;受理&quot;" in html
    assert "\\u53d7" not in html
    assert json.loads(steps) == [{"name_zh": "受理", "name_en": "Acceptance"}]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("steps", '[{"name_zh": "受理"},\n {"name_en": "Review"}]', "Step 2 needs a Chinese name"),
        ("steps", '{"name_zh": "受理"}', "The process steps must be a JSON list of steps."),
        ("steps", '[{"name_zh": "受理",}]', "Not valid JSON: line 1, column 19"),
        ("form_schema", '{"type": "object",\n "properties": {\n  "a": {\n', "line 4, column 1"),
        ("form_schema", '{"type": "object", "properties": {"a": {"type": "string"}}}',
         "Field “a” of the form needs a “title” (its label)."),
        ("workflow_overrides", "[1]", "The workflow overrides must be a JSON object"),
    ],
)  # fmt: skip
def test_bad_json_is_refused_on_save_with_the_error_on_its_field(
    admin_client, field, value, message
):
    # given a draft
    item = ServiceItem.objects.create(code="11370100AD0011", department=DepartmentFactory())
    admin_client.post(reverse("admin:catalog_serviceversion_add"), version_form(item))
    version = ServiceVersion.objects.get(item=item)
    before = (version.steps, version.form_schema, version.workflow_overrides)

    # when the administrator saves a bad value in one JSON field
    response = admin_client.post(
        reverse("admin:catalog_serviceversion_change", args=[version.pk]),
        version_form(item, **{field: value}),
    )

    # then the form comes back with the error on that field, and nothing changed
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    version.refresh_from_db()
    assert (version.steps, version.form_schema, version.workflow_overrides) == before


def test_the_same_step_check_refuses_publication(admin_client):
    version = publish_service(steps=[{"name_zh": "受理"}])
    draft = services.service_version_create_draft(item=version.item, actor=None)
    ServiceVersion.objects.filter(pk=draft.pk).update(steps=[{"name_en": "Acceptance"}])
    draft.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        services.service_version_publish(version=draft, actor=None)

    assert refused.value.message_dict["steps"] == ["Step 1 needs a Chinese name (“name_zh”)."]
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_change_page_previews_the_form_as_the_portal_renders_it(admin_client):
    schema = {
        "type": "object",
        "properties": {
            "sign": {"type": "string", "title": "招牌内容", "title_en": "Wording of the sign"},
            "lit": {"type": "boolean", "title": "是否发光"},
        },
        "required": ["sign"],
    }
    version = publish_service(
        form_schema=schema,
        steps=[
            {"name_zh": "受理", "name_en": "Acceptance"},
            {"name_zh": "决定", "name_en": "Decision"},
        ],
    )
    preview_url = reverse("admin:catalog_serviceversion_preview", args=[version.pk])

    page = admin_client.get(reverse("admin:catalog_serviceversion_change", args=[version.pk]))
    assert f'src="{preview_url}"' in page.content.decode()

    preview = admin_client.get(preview_url)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert preview["X-Frame-Options"] == "SAMEORIGIN"  # framed by the change page only
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    # the portal's own widgets: a labelled text input, Yes/No radios, the steps in order
    assert 'for="id_sign"' in html and "Wording of the sign" in html
    assert 'type="radio" name="lit" value="true"' in html
    assert html.index("Acceptance") < html.index("Decision")
    assert "<form" not in html  # a preview submits nothing


def test_preview_is_for_staff_only(client):
    version = publish_service()
    url = reverse("admin:catalog_serviceversion_preview", args=[version.pk])
    assert client.get(url).status_code == 302  # to the admin sign-in
    client.force_login(UserFactory(is_staff=False))
    assert client.get(url).status_code == 302


def test_a_published_versions_json_is_shown_indented(admin_client):
    version = publish_service(steps=[{"name_zh": "受理", "name_en": "Acceptance"}])

    html = admin_client.get(
        reverse("admin:catalog_serviceversion_change", args=[version.pk])
    ).content.decode()

    assert '<pre class="json-view">[\n  {\n    &quot;name_' in html
    assert "&quot;name_zh&quot;: &quot;受理&quot;" in html


# ------------------------------------------------------------- the form's fields as rows


def rows_post(rows, *, initial):
    """The structured editor's POST: the rows as the change page lists them (``initial`` of
    them were there when it opened), and the choice to save them."""
    data = {
        "form_schema_editor": "rows",
        "schema_fields-TOTAL_FORMS": str(len(rows)),
        "schema_fields-INITIAL_FORMS": str(initial),
        "schema_fields-MIN_NUM_FORMS": "0",
        "schema_fields-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            if value is True:
                value = "on"
            if value is not False:
                data[f"schema_fields-{i}-{key}"] = value
    return data


def draft_with_form(admin_client, code):
    item = ServiceItem.objects.create(code=code, department=DepartmentFactory())
    admin_client.post(reverse("admin:catalog_serviceversion_add"), version_form(item))
    return item, ServiceVersion.objects.get(item=item)


def test_the_change_page_lists_the_forms_fields_as_rows(admin_client):
    # given a draft whose form has one text field (招牌内容)
    _item, version = draft_with_form(admin_client, "11370100AD0020")

    page = admin_client.get(reverse("admin:catalog_serviceversion_change", args=[version.pk]))

    html = page.content.decode()
    formset = page.context["adminform"].form.schema_fields
    assert [f.initial["name"] for f in formset.initial_forms] == ["sign"]
    assert 'name="schema_fields-0-title_zh"' in html and 'value="招牌内容"' in html
    assert 'name="schema_fields-0-title_en"' in html and 'value="Text of the sign"' in html
    assert 'name="form_schema_editor" value="rows" checked' in html
    assert len(formset.extra_forms) == 2  # blank rows to add fields


def test_fields_edited_as_rows_are_saved_as_the_schema_and_previewed(admin_client):
    # given a draft whose form has one text field
    item, version = draft_with_form(admin_client, "11370100AD0021")

    # when the administrator relabels it, adds a required choice in a blank row, and puts
    # the choice first
    rows = [
        {"ORDER": "2", "name": "sign", "title_zh": "招牌文字", "title_en": "Wording",
         "type": "text", "required": False},
        {"ORDER": "1", "name": "lit", "title_zh": "照明方式", "title_en": "Lighting",
         "type": "choice", "required": True, "options_zh": "不发光\n内打光",
         "options_en": "Unlit\nLit from inside"},
        {"ORDER": "", "name": "", "title_zh": "", "title_en": "", "type": "text"},
    ]  # fmt: skip
    response = admin_client.post(
        reverse("admin:catalog_serviceversion_change", args=[version.pk]),
        version_form(
            item, form_schema=json.dumps(version.form_schema), **rows_post(rows, initial=1)
        ),
    )

    # then the schema is the rows', checked and saved in their order
    assert response.status_code == 302, response.context["adminform"].form.errors
    version.refresh_from_db()
    assert version.form_schema["x-order"] == ["lit", "sign"]
    assert version.form_schema["required"] == ["lit"]
    assert version.form_schema["properties"] == {
        "lit": {"type": "string", "title": "照明方式", "title_en": "Lighting",
                "enum": ["不发光", "内打光"], "enumNames_en": ["Unlit", "Lit from inside"]},
        "sign": {"type": "string", "title": "招牌文字", "title_en": "Wording"},
    }  # fmt: skip
    # and the preview renders it as the portal would
    preview = admin_client.get(reverse("admin:catalog_serviceversion_preview", args=[version.pk]))
    html = preview.content.decode()
    assert html.index("Lighting") < html.index("Wording")
    assert "Lit from inside" in html


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"name": "Sign!"}, "Lower-case letters, digits and _"),
        ({"type": "choice"}, "A choice needs its options"),
        ({"type": "choice", "options_zh": "甲\n乙", "options_en": "A"}, "as many English options"),
        ({"options_zh": "甲"}, "Only a choice has options"),
        ({"title_zh": ""}, "This field is required"),
    ],
)
def test_bad_rows_are_refused_with_the_error_on_the_row_and_nothing_changes(
    admin_client, row, message
):
    item, version = draft_with_form(admin_client, "11370100AD0022")
    before = version.form_schema
    rows = [{"name": "sign", "title_zh": "招牌内容", "type": "text", **row}]

    response = admin_client.post(
        reverse("admin:catalog_serviceversion_change", args=[version.pk]),
        version_form(item, form_schema=json.dumps(before), **rows_post(rows, initial=1)),
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["form_schema"] == ["Correct the form's fields below."]
    assert message in str(form.schema_fields.errors)
    version.refresh_from_db()
    assert version.form_schema == before


def test_two_rows_with_one_name_are_refused(admin_client):
    item, version = draft_with_form(admin_client, "11370100AD0023")
    before = version.form_schema
    rows = [
        {"name": "sign", "title_zh": "招牌内容", "type": "text"},
        {"name": "sign", "title_zh": "招牌尺寸", "type": "number"},
    ]

    response = admin_client.post(
        reverse("admin:catalog_serviceversion_change", args=[version.pk]),
        version_form(item, form_schema=json.dumps(before), **rows_post(rows, initial=1)),
    )

    assert response.status_code == 200
    assert "Two fields are named sign" in str(
        response.context["adminform"].form.schema_fields.non_form_errors()
    )
    version.refresh_from_db()
    assert version.form_schema == before


def test_changing_the_json_while_saving_the_rows_is_refused(admin_client):
    item, version = draft_with_form(admin_client, "11370100AD0024")
    before = version.form_schema
    edited_json = {**before, "properties": {"other": {"type": "string", "title": "其他"}}}
    rows = [{"name": "sign", "title_zh": "招牌内容", "type": "text"}]

    response = admin_client.post(
        reverse("admin:catalog_serviceversion_change", args=[version.pk]),
        version_form(item, form_schema=json.dumps(edited_json), **rows_post(rows, initial=1)),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["form_schema"]
    assert "choose “Save the JSON above”" in " ".join(errors)
    version.refresh_from_db()
    assert version.form_schema == before
    # saved "as JSON", the same edit goes through
    response = admin_client.post(
        reverse("admin:catalog_serviceversion_change", args=[version.pk]),
        version_form(item, form_schema=json.dumps(edited_json), form_schema_editor="json"),
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert list(version.form_schema["properties"]) == ["other"]


def test_a_form_the_rows_cannot_show_is_edited_as_json_only(admin_client):
    nested = {
        "type": "object",
        "properties": {
            "address": {
                "type": "object", "title": "地址", "title_en": "Address",
                "properties": {"street": {"type": "string", "title": "街道", "title_en": "Street"}},
            }
        },
    }  # fmt: skip
    item = ServiceItem.objects.create(code="11370100AD0025", department=DepartmentFactory())
    admin_client.post(
        reverse("admin:catalog_serviceversion_add"),
        version_form(item, form_schema=json.dumps(nested)),
    )
    version = ServiceVersion.objects.get(item=item)

    page = admin_client.get(reverse("admin:catalog_serviceversion_change", args=[version.pk]))

    html = page.content.decode()
    assert "edit it as JSON" in html
    assert 'value="rows" disabled' in html
    assert 'name="form_schema_editor" value="json" checked' in html
    assert "schema_fields-TOTAL_FORMS" not in html
