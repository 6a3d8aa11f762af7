"""Uploaded documents: served under a safe name, and only to those who see the case in full.

Found by a probe: a PDF uploaded as ``invoice.html`` or ``run.bat`` was served as an
attachment under that name; and a supervisor, who sees the applicant's name, ID and phone
masked, could still download the ID-card scans and read the form answers in clear.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PDF_BYTES, accepted_case, case_world, draft_application, upload
from tests.snapshots import snapshot
from yiwang.cases import services
from yiwang.cases.models import CaseMaterial
from yiwang.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("client_name", ["invoice.html", "run.bat", "../../etc/passwd", "扫描件"])
def test_a_file_is_stored_under_the_extension_of_its_content(client_name):
    world = case_world()
    application = draft_application(world, upload_required=False)

    row = services.material_upload(
        actor=world.applicant, application=application,
        material_id=world.required_materials[0].pk, file=upload(client_name, PDF_BYTES),
    )  # fmt: skip

    assert row.original_name.endswith(".pdf")
    assert "/" not in row.original_name and ".." not in row.original_name.removesuffix(".pdf")
    assert row.original_name.rsplit(".", 1)[0] in {"invoice", "run", "passwd", "扫描件"}


def test_every_download_offers_the_safe_name_private_and_unsniffed():
    # Given: a case whose file was stored, long ago, under the client's dangerous name
    world = case_world()
    case = accepted_case(world)
    row = case.application.materials.first()
    CaseMaterial.objects.filter(pk=row.pk).update(original_name="run.bat")
    urls = {
        world.applicant: reverse("portal:material_download", kwargs={"material_id": row.pk})
        + "?download=1",
        world.reviewer: reverse("workbench:material", kwargs={"material_id": row.pk})
        + "?download=1",
    }

    for user, url in urls.items():
        response = as_user(user).get(url)
        api = as_user(user).get(f"/api/v1/materials/{row.pk}/file")

        for answer in (response, api):
            assert answer.status_code == 200
            assert answer["Content-Disposition"] == 'attachment; filename="run.pdf"'
            assert answer["Content-Type"] == "application/pdf"
            assert answer["X-Content-Type-Options"] == "nosniff"
            assert "no-store" in answer["Cache-Control"]


def test_a_supervisor_sees_the_case_masked_and_cannot_open_its_documents():
    # Given: an accepted case of the supervisor's department
    world = case_world()
    case = accepted_case(world)
    row = case.application.materials.first()
    client = as_user(world.supervisor)
    before = snapshot(case)
    views_before = AuditEntry.objects.filter(action="material.view").count()

    # When: the supervisor opens the case page and tries the file everywhere
    page = client.get(reverse("workbench:case", kwargs={"number": case.number}))
    attempts = [
        client.get(reverse("workbench:material", kwargs={"material_id": row.pk})),
        client.get(reverse("portal:material_download", kwargs={"material_id": row.pk})),
        client.get(f"/api/v1/materials/{row.pk}/file"),
    ]
    detail = client.get(f"/api/v1/officer/cases/{case.number}").json()

    # Then: the answers are masked, no link to a file, every attempt refused, nothing recorded
    html = page.content.decode()
    assert page.status_code == 200
    assert "张三" not in html and "张*" in html  # the applicant's name in the answers, masked
    assert "泉城小吃" not in html  # free text answers masked too
    assert reverse("workbench:material", kwargs={"material_id": row.pk}) not in html
    assert [a.status_code for a in attempts] == [403, 403, 403]
    assert detail["applicant"]["masked"] is True and detail["form_data"] is None
    assert AuditEntry.objects.filter(action="material.view").count() == views_before
    assert snapshot(case) == before


def test_the_officers_who_process_the_case_see_it_in_full_and_their_views_are_recorded():
    world = case_world()
    case = accepted_case(world)
    row = case.application.materials.first()

    page = as_user(world.reviewer).get(reverse("workbench:case", kwargs={"number": case.number}))
    opened = as_user(world.reviewer).get(
        reverse("workbench:material", kwargs={"material_id": row.pk})
    )

    assert "泉城小吃" in page.content.decode()
    assert opened.status_code == 200
    assert AuditEntry.objects.filter(
        action="case.personal_data_view", target_id=str(case.pk)
    ).exists()
    assert AuditEntry.objects.filter(action="material.view", target_id=str(row.pk)).exists()
