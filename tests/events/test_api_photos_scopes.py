"""The events API's photos (through ``services.photos``, as the pages) and its token scopes.

The world is ``event_world``: 井盖缺失 at 泉城广场 dispatched to 市城管局 (cgj), signed by its
handler ``cg``; 市交通运输局's handler ``jt`` may not see it.
"""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client

from yiwang.core.models import AuditEntry
from yiwang.events import services
from yiwang.events.models import EventEntry, EventPhoto
from yiwang.integrations.models import Scope
from yiwang.integrations.services import api_token_create

from ..factories import dispatched_event, event_world

pytestmark = pytest.mark.django_db

API = "/api/v1"
#: A 1×1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def upload(content: bytes = PNG, name: str = "现场.png") -> io.BytesIO:
    f = io.BytesIO(content)
    f.name = name
    return f


def bearer(user, *scopes: str) -> dict[str, str]:
    secret = api_token_create(owner=user, name="t", scopes=scopes).secret
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def world():
    return event_world()


@pytest.fixture
def event(world):
    event = dispatched_event(world)
    return services.event_sign(actor=world.handler_cgj, event=event)


def test_a_handler_uploads_a_result_photo_and_reads_it_back(world, event):
    token = bearer(world.handler_cgj, Scope.EVENTS_READ, Scope.EVENTS_WRITE)
    client = Client()

    made = client.post(
        f"{API}/events/{event.number}/photos", {"file": upload(), "note": "已到现场"}, **token
    )

    assert made.status_code == 201, made.content
    [photo] = made.json()
    assert photo["kind"] == "result"
    assert photo["url"] == f"{API}/events/{event.number}/photos/{photo['id']}"
    stored = EventPhoto.objects.get(pk=photo["id"])
    assert stored.file.name.endswith("photo-1.png")  # named from its content, not "现场.png"
    assert EventEntry.objects.filter(event=event, kind="note", text="已到现场").exists()
    listed = client.get(f"{API}/events/{event.number}/photos", **token)
    assert listed.json() == made.json()
    got = client.get(photo["url"], **token)
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    assert b"".join(got.streaming_content) == PNG
    assert got["X-Content-Type-Options"] == "nosniff"


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(world, event):
    token = bearer(world.handler_cgj, Scope.EVENTS_READ, Scope.EVENTS_WRITE)
    entries, audited = event.entries.count(), AuditEntry.objects.count()

    refused = Client().post(
        f"{API}/events/{event.number}/photos",
        {"file": upload(b"<script>alert(1)</script>", "photo.png")},
        **token,
    )

    assert refused.status_code == 422, refused.content
    assert [e["field"] for e in refused.json()["errors"]] == ["photos"]
    assert not EventPhoto.objects.exists()
    assert event.entries.count() == entries and AuditEntry.objects.count() == audited


def test_a_photo_over_the_size_limit_is_refused(world, event, settings):
    settings.YIWANG_UPLOAD_MAX_BYTES = 64
    token = bearer(world.handler_cgj, Scope.EVENTS_WRITE)

    refused = Client().post(
        f"{API}/events/{event.number}/photos", {"file": upload(PNG + b"\0" * 100)}, **token
    )

    assert refused.status_code == 422, refused.content
    assert not EventPhoto.objects.exists()


def test_another_department_neither_sees_nor_adds_photos(world, event):
    services.event_handle(actor=world.handler_cgj, event=event, photos=[upload()])
    photo = EventPhoto.objects.get()
    token = bearer(world.handler_jtj, Scope.EVENTS_READ, Scope.EVENTS_WRITE)
    client = Client()

    assert client.get(f"{API}/events/{event.number}/photos", **token).status_code == 404
    assert client.get(f"{API}/events/{event.number}/photos/{photo.pk}", **token).status_code == 404
    added = client.post(f"{API}/events/{event.number}/photos", {"file": upload()}, **token)
    assert added.status_code == 404
    assert EventPhoto.objects.count() == 1


def test_event_tokens_need_the_events_scopes(world, event):
    client = Client()
    cases_only = bearer(world.handler_cgj, Scope.CASES_READ, Scope.CASES_WRITE)
    read_only = bearer(world.handler_cgj, Scope.EVENTS_READ)
    path = f"{API}/events/{event.number}"

    assert client.get(path, **cases_only).status_code == 403
    assert "events:read" in client.get(path, **cases_only).json()["detail"]
    assert client.get(path, **read_only).status_code == 200
    assert client.get(f"{API}/events", **read_only).status_code == 200

    refused = client.post(
        f"{path}/handle", json.dumps({"note": "x"}), content_type="application/json", **read_only
    )
    assert refused.status_code == 403 and "events:write" in refused.json()["detail"]
    photo = client.post(f"{path}/photos", {"file": upload()}, **read_only)
    assert photo.status_code == 403
    assert not EventEntry.objects.filter(event=event, kind="note").exists()
    assert not EventPhoto.objects.exists()


def test_a_citizens_token_needs_the_events_scopes_for_my_reports(world):
    dispatched_event(world, channel="web", citizen=world.citizen)
    client = Client()

    assert (
        client.get(f"{API}/events/mine", **bearer(world.citizen, Scope.CASES_READ)).status_code
        == 403
    )
    mine = client.get(f"{API}/events/mine", **bearer(world.citizen, Scope.EVENTS_READ))
    assert mine.status_code == 200 and mine.json()["count"] == 1
