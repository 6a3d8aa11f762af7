"""Applying online through the portal: start, the form, materials, check and submit."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import (
    PDF_BYTES,
    PNG_BYTES,
    DepartmentFactory,
    citizen,
    enterprise_for,
    publish_service,
)
from yiwang.cases.models import Application, Case, CaseMaterial
from yiwang.catalog.models import Material, ServiceVersion
from yiwang.portal.schema_forms import SchemaForm, answer_rows, form_sections

DISTRICTS = ["历下区", "市中区", "槐荫区", "天桥区", "历城区", "长清区"]
SCHEMA = {
    "type": "object",
    "properties": {
        "applicant_name": {"type": "string", "title": "Applicant name", "maxLength": 20},
        "phone": {
            "type": "string",
            "title": "Mobile phone",
            "description": "We send progress messages to this number",
            "pattern": "^1[3-9][0-9]{9}$",
        },
        "email": {"type": "string", "format": "email", "title": "E-mail"},
        "opening_date": {"type": "string", "format": "date", "title": "Opening date"},
        "employees": {"type": "integer", "title": "Employees", "minimum": 1, "maximum": 500},
        "area": {"type": "number", "title": "Floor area", "minimum": 0},
        "chain": {"type": "boolean", "title": "Part of a chain"},
        "category": {
            "type": "string",
            "title": "Category",
            "enum": ["food", "drink"],
            "enumNames": ["Food shop", "Drinks bar"],
        },
        "address": {
            "type": "object",
            "title": "Premises address",
            "properties": {
                "district": {"type": "string", "title": "District", "enum": DISTRICTS},
                "street": {"type": "string", "title": "Street and number"},
            },
            "required": ["district", "street"],
        },
        "partners": {
            "type": "array",
            "title": "Partner",
            "minItems": 1,
            "maxItems": 3,
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "title": "Partner name"},
                    "share": {"type": "integer", "title": "Share (%)", "minimum": 1},
                },
                "required": ["name"],
            },
        },
    },
    "required": ["applicant_name", "phone", "opening_date", "category", "address", "partners"],
}

MATERIALS = [
    {"name_zh": "申请书", "name_en": "Application letter"},
    {
        "name_zh": "租赁合同",
        "name_en": "Lease",
        "requirement": Material.Requirement.CONDITIONAL,
        "condition_zh": "租赁场所的",
        "condition_en": "If the premises are rented",
    },
]

GOOD_ANSWERS = {
    "applicant_name": "张三",
    "phone": "13812345678",
    "email": "zhang@example.org",
    "opening_date": "2026-12-01",
    "employees": "12",
    "area": "80.5",
    "chain": "false",
    "category": "food",
}


def make_service(**fields) -> ServiceVersion:
    fields.setdefault("form_schema", SCHEMA)
    fields.setdefault("department", DepartmentFactory(name_en="Jinan Market Regulation"))
    return publish_service(
        code=fields.pop("code", None), materials=fields.pop("materials", MATERIALS), **fields
    )


@pytest.fixture
def service(db) -> ServiceVersion:
    return make_service()


def start(client, service, choice: str = "self") -> Application:
    response = client.post(
        reverse("portal:application_start", args=[service.item.code]), {"applicant": choice}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Application.objects.latest("id")


def form_url(application, section: int = 0) -> str:
    return reverse("portal:application_form", args=[application.pk]) + f"?section={section}"


def fill_everything(client, application) -> None:
    assert client.post(form_url(application, 0), GOOD_ANSWERS).status_code == 302
    address = {"address__district": "历下区", "address__street": "泉城路1号"}
    assert client.post(form_url(application, 1), address).status_code == 302
    partners = {"partners__rows": "1", "partners__0__name": "李四", "partners__0__share": "100"}
    assert client.post(form_url(application, 2), partners).status_code == 302
    upload(
        client, application, application.service_version.materials.get(name_en="Application letter")
    )


def upload(client, application, material, content: bytes = PDF_BYTES, name: str = "letter.pdf"):
    return client.post(
        reverse("portal:application_materials", args=[application.pk]),
        {"material_id": material.pk, "file": SimpleUploadedFile(name, content)},
    )


def submit(client, application, key: str = "key-1"):
    return client.post(
        reverse("portal:application_check", args=[application.pk]), {"idempotency_key": key}
    )


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- the service guide's apply panel ----------------------------------------------------------


def test_anonymous_apply_link_signs_in_first_and_comes_back(client, service):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = text(client.get(reverse("portal:service_guide", args=[service.item.code])))
    apply_url = reverse("portal:application_start", args=[service.item.code])
    assert f'href="/accounts/login/?next={apply_url}"' in page

    response = client.get(apply_url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_signed_in_apply_link_starts_an_application(client_en, service):
    page = text(client_en.get(reverse("portal:service_guide", args=[service.item.code])))
    apply_url = reverse("portal:application_start", args=[service.item.code])
    assert f'href="{apply_url}" id="apply-online"' in page


# --- the whole journey --------------------------------------------------------------------------


def test_full_apply_flow_with_a_real_pdf(client_en, service, citizen):
    # Given the start page offers to apply as oneself
    page = client_en.get(reverse("portal:application_start", args=[service.item.code]))
    assert "Myself (" in text(page)

    # When the citizen starts, fills in every part, uploads the PDF and submits
    application = start(client_en, service)
    first = client_en.get(form_url(application))
    assert first.status_code == 200
    assert 'value="张三"' in text(first)  # prefilled from the profile
    assert "Part 1 of 3" in text(first)
    fill_everything(client_en, application)
    check = client_en.get(reverse("portal:application_check", args=[application.pk]))
    page = text(check)
    assert (
        "Food shop" in page
        and "Premises address · District" in page
        and "Partner 1 · Partner name" in page
    )
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page).group(1)
    response = submit(client_en, application, key)

    # Then one case exists, pinned to the version, with the file and its hash
    case = Case.objects.get()
    assert response.status_code == 302
    assert (
        response["Location"] == reverse("portal:case_detail", args=[case.number]) + "?submitted=1"
    )
    assert case.service_version == service
    assert case.application.form_data == {
        "applicant_name": "张三",
        "phone": "13812345678",
        "email": "zhang@example.org",
        "opening_date": "2026-12-01",
        "employees": 12,
        "area": 80.5,
        "chain": False,
        "category": "food",
        "address": {"district": "历下区", "street": "泉城路1号"},
        "partners": [{"name": "李四", "share": 100}],
    }
    material = CaseMaterial.objects.get(application__case=case)
    assert material.content_type == "application/pdf"
    import hashlib

    assert material.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    confirmation = text(client_en.get(response["Location"]))
    assert "Application submitted" in confirmation and case.number in confirmation


def test_validation_errors_are_shown_next_to_each_field_and_in_the_summary(client_en, service):
    application = start(client_en, service)
    bad = {
        **GOOD_ANSWERS,
        "phone": "12345",
        "email": "not-an-address",
        "employees": "0",
        "opening_date": "1 December",
        "applicant_name": "x" * 21,
    }
    response = client_en.post(form_url(application), bad)

    assert response.status_code == 422
    page = text(response)
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    for field in ("phone", "email", "employees", "opening_date", "applicant_name"):
        assert f'href="#id_{field}"' in summary
    assert 'id="id_phone_error"' in page
    assert "The value does not have the expected form." in page
    assert "Enter a valid e-mail address." in page
    assert "Enter a number of at least 1." in page
    assert "Enter a valid date (YYYY-MM-DD)." in page
    assert "Enter at most 20 characters." in page
    assert 'aria-invalid="true"' in page
    # nothing was saved, and what was typed is shown again
    application.refresh_from_db()
    assert "email" not in application.form_data
    assert 'value="12345"' in page


def test_a_number_that_is_not_a_number_is_caught_before_the_service(client_en, service):
    application = start(client_en, service)
    response = client_en.post(form_url(application), {**GOOD_ANSWERS, "employees": "twelve"})
    assert response.status_code == 422
    assert 'href="#id_employees"' in text(response)


def test_nested_and_repeating_errors_point_at_their_fields(client_en, service):
    application = start(client_en, service)
    response = client_en.post(
        form_url(application, 2),
        {
            "partners__rows": "2",
            "partners__0__name": "李四",
            "partners__0__share": "0",
            "partners__1__name": "王五",
            "partners__1__share": "50",
        },
    )
    assert response.status_code == 422
    assert 'href="#id_partners__0__share"' in text(response)


def test_a_png_named_pdf_is_rejected(client_en, service):
    application = start(client_en, service)
    material = service.materials.get(name_en="Application letter")
    response = upload(client_en, application, material, PNG_BYTES, "scan.pdf")
    assert response.status_code == 422
    page = text(response)
    assert "This file is not an accepted type. Accepted: PDF." in page
    assert f'href="#file-{material.pk}"' in page
    assert not CaseMaterial.objects.exists()


def test_an_oversized_file_gets_a_clear_message_on_the_page(client_en, service, settings):
    settings.YIWANG_UPLOAD_MAX_BYTES = 16
    application = start(client_en, service)
    material = service.materials.get(name_en="Application letter")
    response = upload(client_en, application, material)
    assert response.status_code == 413
    assert "The file is larger than" in text(response)
    assert "Upload materials" in text(response)


def test_choosing_no_file_says_so(client_en, service):
    application = start(client_en, service)
    material = service.materials.first()
    response = client_en.post(
        reverse("portal:application_materials", args=[application.pk]), {"material_id": material.pk}
    )
    assert response.status_code == 422
    assert "Choose a file to upload." in text(response)


def test_uploads_show_their_kind_and_size_in_plain_words_and_can_be_replaced_or_removed(
    client_en, service
):
    application = start(client_en, service)
    material = service.materials.get(name_en="Application letter")
    upload(client_en, application, material)
    page = text(client_en.get(reverse("portal:application_materials", args=[application.pk])))
    row = CaseMaterial.objects.get()
    # plain words for the citizen: the PDF_BYTES fixture is 48 bytes; no MIME type, no hash
    assert "PDF file, 48 bytes" in page
    assert "at most 20 MB" in page
    assert "application/pdf" not in page and row.sha256[:12] not in page
    assert "SHA-256" not in page and "MiB" not in page
    assert "Replace the file for Application letter" in page

    upload(client_en, application, material, PDF_BYTES + b"v2", "letter-v2.pdf")
    current = CaseMaterial.objects.get(superseded=False)
    assert current.original_name == "letter-v2.pdf"

    remove = reverse("portal:application_material_remove", args=[application.pk, current.pk])
    assert client_en.post(remove).status_code == 302
    assert not CaseMaterial.objects.filter(pk=current.pk).exists()


def test_double_submit_gives_one_case(client_en, service):
    application = start(client_en, service)
    fill_everything(client_en, application)

    first = submit(client_en, application, "same-key")
    second = submit(client_en, application, "same-key")
    third = submit(client_en, application, "another-key")  # a stale tab, re-posted

    assert Case.objects.count() == 1
    assert first["Location"] == second["Location"] == third["Location"]


def test_submitting_an_incomplete_application_lists_what_is_missing(client_en, service):
    application = start(client_en, service)
    response = submit(client_en, application)
    assert response.status_code == 422
    page = text(response)
    assert "Your application cannot be submitted yet" in page
    assert "Opening date: This field is required." in page
    assert "Upload “Application letter”." in page
    assert form_url(application, 0) in page.replace("&amp;", "&")
    assert not Case.objects.exists()


def test_drafts_are_saved_and_resumable(client_en, service):
    application = start(client_en, service)
    response = client_en.post(
        form_url(application),
        {"applicant_name": "张三", "phone": "13812345678", "save_and_exit": ""},
    )
    assert response["Location"] == reverse("portal:application_detail", args=[application.pk])

    drafts = text(client_en.get(reverse("portal:application_list")))
    assert "Test service" in drafts
    assert reverse("portal:application_detail", args=[application.pk]) in drafts
    overview = text(client_en.get(response["Location"]))
    assert "In progress" in overview and "Materials (0 of 2 uploaded)" in overview
    resumed = text(client_en.get(form_url(application)))
    assert 'value="13812345678"' in resumed

    # and the start page points to the draft instead of starting over silently
    start_page = text(client_en.get(reverse("portal:application_start", args=[service.item.code])))
    assert "You already have a draft for this service" in start_page


def test_repeating_group_rows_can_be_added_and_removed(client_en, service):
    application = start(client_en, service)
    url = form_url(application, 2)
    response = client_en.post(
        url, {"partners__rows": "1", "partners__0__name": "李四", "add_row": "partners"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#group-partners")
    page = text(client_en.get(url))
    assert 'name="partners__1__name"' in page and "Partner 2" in page

    client_en.post(
        url,
        {
            "partners__rows": "2",
            "partners__0__name": "李四",
            "partners__1__name": "王五",
            "remove_row": "partners__0",
        },
    )
    application.refresh_from_db()
    assert application.form_data["partners"] == [{"name": "王五"}]


@pytest.mark.parametrize("row", ["²", "٠", "x", str(2**64)])
def test_removing_a_row_that_is_not_a_row_changes_nothing(client_en, service, row):
    # Found in review: "partners__²" passed isdigit() and crashed int() (a 500).
    application = start(client_en, service)
    url = form_url(application, 2)
    fields = {"partners__rows": "2", "partners__0__name": "李四", "partners__1__name": "王五"}
    client_en.post(url, {**fields, "save": "1"})
    application.refresh_from_db()
    before = application.form_data["partners"]

    response = client_en.post(url, {**fields, "remove_row": f"partners__{row}"})

    assert response.status_code in (200, 302)
    application.refresh_from_db()
    assert application.form_data["partners"] == before == [{"name": "李四"}, {"name": "王五"}]


@pytest.mark.parametrize("material_id", ["²", "٣", str(2**64)])
def test_an_upload_for_a_material_id_that_is_not_one_is_refused(client_en, service, material_id):
    application = start(client_en, service)

    response = client_en.post(
        reverse("portal:application_materials", args=[application.pk]),
        {"material_id": material_id, "file": SimpleUploadedFile("scan.pdf", PDF_BYTES)},
    )

    assert response.status_code == 422
    assert not CaseMaterial.objects.filter(application=application).exists()


def test_someone_elses_draft_is_not_found(client_en, service):
    other = citizen(username="lisi")
    client_en.force_login(other)
    application = start(client_en, service)
    client_en.force_login(citizen(username="wangwu"))
    for name in (
        "application_detail",
        "application_form",
        "application_materials",
        "application_check",
    ):
        assert client_en.get(reverse(f"portal:{name}", args=[application.pk])).status_code == 404


def test_an_enterprise_agent_applies_for_the_enterprise(client, db):
    service = make_service(
        service_object=ServiceVersion.ServiceObject.LEGAL_PERSON,
        form_schema={
            "type": "object",
            "properties": {"enterprise_name": {"type": "string", "title": "Enterprise"}},
        },
    )
    user = citizen(username="zhangsan")
    enterprise = enterprise_for(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(user)
    page = text(client.get(reverse("portal:application_start", args=[service.item.code])))
    assert "Myself" not in page and enterprise.name in page

    application = start(client, service, f"enterprise-{enterprise.pk}")
    assert application.enterprise == enterprise
    assert application.form_data == {"enterprise_name": enterprise.name}


def test_a_person_only_service_refuses_a_forged_enterprise_choice(client_en, citizen, db):
    service = make_service(service_object=ServiceVersion.ServiceObject.PERSON)
    enterprise = enterprise_for(citizen)
    response = client_en.post(
        reverse("portal:application_start", args=[service.item.code]),
        {"applicant": f"enterprise-{enterprise.pk}"},
    )
    assert response.status_code == 422
    assert not Application.objects.exists()


# --- the form builder -------------------------------------------------------------------------


def test_schema_form_sections_titles_and_choices():
    sections = form_sections(SCHEMA)
    assert [s.names for s in sections] == [
        [
            "applicant_name",
            "phone",
            "email",
            "opening_date",
            "employees",
            "area",
            "chain",
            "category",
        ],
        ["address"],
        ["partners"],
    ]
    form = SchemaForm(SCHEMA, answers={"category": "drink", "chain": True})
    assert form.fields["category"].choices == [("food", "Food shop"), ("drink", "Drinks bar")]
    assert form.initial["chain"] == "true"
    assert form.fields["phone"].help_text == "We send progress messages to this number"
    assert form.fields["address__district"].choices[0] == ("", "Choose…")


def test_schema_form_reads_one_of_titles_and_keeps_answers_of_other_sections():
    schema = {
        "type": "object",
        "properties": {
            "size": {
                "type": "integer",
                "title": "Size",
                "oneOf": [{"const": 1, "title": "Small"}, {"const": 2, "title": "Large"}],
            },
            "tags": {"type": "array", "title": "Tags", "items": {"type": "string"}},
            "other": {"type": "string"},
        },
    }
    form = SchemaForm(
        schema,
        answers={"other": "kept"},
        data={"size": "2", "tags": "a\nb\n"},
        only=["size", "tags"],
    )
    assert form.is_valid()
    assert form.answers() == {"size": 2, "tags": ["a", "b"], "other": "kept"}
    assert [(r.label, r.value) for r in answer_rows(schema, form.answers())][:2] == [
        ("Size", "Large"),
        ("Tags", "a, b"),
    ]


# --- identity formats: checked by the project's validators, in the form and at submit ---------

ID_SCHEMA = {
    "type": "object",
    "properties": {
        "applicant_name": {"type": "string", "title": "Applicant name"},
        "resident_id": {"type": "string", "title": "Resident ID", "format": "cn-resident-id"},
    },
    "required": ["applicant_name", "resident_id"],
}
#: GB 11643-1999's example number is 11010519491231002X; ending in 1 its check digit is wrong.
WRONG_CHECK_DIGIT = "110105194912310021"


def test_a_resident_id_with_a_wrong_check_digit_is_refused_by_the_form(client_en, db):
    service = make_service(form_schema=ID_SCHEMA, code="ID-FORM")
    application = start(client_en, service)
    before = dict(application.form_data or {})

    response = client_en.post(
        form_url(application), {"applicant_name": "张三", "resident_id": WRONG_CHECK_DIGIT}
    )

    assert response.status_code == 422
    page = text(response)
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_resident_id"' in summary
    assert 'id="id_resident_id_error"' in page
    application.refresh_from_db()
    assert application.form_data == before  # nothing saved
    # …while the standard's own number, with its right check digit, is taken
    right = {"applicant_name": "张三", "resident_id": "11010519491231002X"}
    assert client_en.post(form_url(application), right).status_code == 302


def test_a_resident_id_with_a_wrong_check_digit_is_refused_at_submit(db):
    """A draft that holds the bad number (saved before the check existed, or written around
    the form) cannot be submitted: the service names the field and creates no case."""
    from django.core.exceptions import ValidationError

    from yiwang.cases import services as case_services

    service = make_service(form_schema=ID_SCHEMA, code="ID-SUBMIT", materials=[])
    applicant = citizen()
    application = case_services.application_create_draft(
        applicant=applicant, service_code=service.item.code
    )
    Application.objects.filter(pk=application.pk).update(
        form_data={"applicant_name": "张三", "resident_id": WRONG_CHECK_DIGIT}
    )
    application.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        case_services.application_submit(application=application, applicant=applicant)

    assert any(field.endswith("resident_id") for field in refused.value.message_dict)
    assert not Case.objects.exists()
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
