"""Issue 11: a guide's files (result sample, blank and sample form) stay with their version."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.factories import PDF_BYTES, publish_service
from yiwang.catalog import services

pytestmark = pytest.mark.django_db


def test_a_new_draft_keeps_the_files_and_a_draft_s_files_are_not_public(client):
    # given a published version with a blank form
    v1 = publish_service()
    draft = services.service_version_create_draft(item=v1.item, actor=None)
    draft = services.service_version_update_draft(
        version=draft, actor=None, blank_form=ContentFile(PDF_BYTES, name="v2.pdf")
    )
    v2 = services.service_version_publish(version=draft, actor=None)

    # when a draft of version 3 is made and given another blank form
    v3 = services.service_version_create_draft(item=v1.item, actor=None)
    assert v3.blank_form.name == v2.blank_form.name  # copied with the version
    services.service_version_update_draft(
        version=v3, actor=None, blank_form=ContentFile(b"%PDF-1.7\n% draft\n", name="v3.pdf")
    )

    # then the portal still serves version 2's form, not the draft's
    response = client.get(reverse("portal:guide_file", args=[v1.item.code, "blank-form"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    v2.refresh_from_db()
    assert v2.blank_form.read() == PDF_BYTES
