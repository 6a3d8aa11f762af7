"""Uploads: the type comes from the content, the size is limited, the hash is kept."""

from __future__ import annotations

import hashlib

import pytest

from tests.factories import (
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    T0,
    case_world,
    draft_application,
    ofd_bytes,
    upload,
)
from yiwang.cases import services
from yiwang.cases.errors import CaseConflict, UploadRejected, UploadTooLarge
from yiwang.cases.models import CaseMaterial
from yiwang.cases.uploads import sniff_format

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF_BYTES, "pdf"),
        (JPEG_BYTES, "jpg"),
        (PNG_BYTES, "png"),
        (ofd_bytes(), "ofd"),
        (b"PK\x03\x04not really a zip", None),
        (b"MZ\x90\x00 an executable", None),
        (b"", None),
    ],
)
def test_sniffing(content, expected):
    import io

    assert sniff_format(io.BytesIO(content)) == expected


def test_a_plain_zip_is_not_ofd():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert sniff_format(io.BytesIO(buffer.getvalue())) is None


def test_an_accepted_upload_is_stored_with_its_hash_under_cases_yyyy_mm():
    world = case_world()
    application = draft_application(world, upload_required=False)
    identity = world.required_materials[0]
    row = services.material_upload(
        actor=world.applicant, application=application, material_id=identity.pk,
        file=upload("证件.ofd", ofd_bytes(), "application/octet-stream"), at=T0,
    )  # fmt: skip
    assert row.content_type == "application/ofd"
    assert row.original_name == "证件.ofd"
    assert row.sha256 == hashlib.sha256(ofd_bytes()).hexdigest()
    assert row.size == len(ofd_bytes())
    assert row.file.name.startswith("cases/2026/03/")
    with row.file.open("rb") as stored:
        assert stored.read() == ofd_bytes()


def test_a_png_named_pdf_is_rejected_for_a_pdf_only_material():
    world = case_world()
    application = draft_application(world, upload_required=False)
    premises = world.required_materials[1]  # PDF only
    with pytest.raises(UploadRejected) as exc:
        services.material_upload(
            actor=world.applicant, application=application, material_id=premises.pk,
            file=upload("lease.pdf", PNG_BYTES, "application/pdf"),
        )  # fmt: skip
    assert list(exc.value.message_dict) == ["file"]
    assert not CaseMaterial.objects.exists()


def test_an_oversized_file_raises_upload_too_large(settings):
    settings.YIWANG_UPLOAD_MAX_BYTES = 1024
    world = case_world()
    application = draft_application(world, upload_required=False)
    with pytest.raises(UploadTooLarge) as exc:
        services.material_upload(
            actor=world.applicant, application=application,
            material_id=world.required_materials[0].pk,
            file=upload("big.pdf", PDF_BYTES + b"0" * 2048),
        )  # fmt: skip
    assert exc.value.limit == 1024
    assert not CaseMaterial.objects.exists()


def test_a_new_upload_supersedes_the_previous_one_and_drafts_can_drop_files():
    world = case_world()
    application = draft_application(world, upload_required=False)
    identity = world.required_materials[0]
    first = services.material_upload(
        actor=world.applicant, application=application, material_id=identity.pk, file=upload()
    )
    second = services.material_upload(
        actor=world.applicant, application=application, material_id=identity.pk,
        file=upload("id.jpg", JPEG_BYTES, "image/jpeg"),
    )  # fmt: skip
    first.refresh_from_db()
    assert first.superseded and not second.superseded
    services.material_delete(material=second, actor=world.applicant)
    assert not CaseMaterial.objects.filter(pk=second.pk).exists()


def test_no_upload_to_a_case_without_an_open_supplement_request():
    from tests.factories import submitted_case

    world = case_world()
    case = submitted_case(world)
    with pytest.raises(CaseConflict):
        services.material_upload(
            actor=world.applicant, case=case, material_id=world.required_materials[0].pk,
            file=upload(), at=T0,
        )  # fmt: skip
