"""Photos of events are checked where they are stored (events.services.photos), whoever calls:
the size limit and the type by content; a refused photo leaves no event, no row and no file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from yiwang.events import services
from yiwang.events.errors import EventInvalid
from yiwang.events.models import Event, EventEntry, EventPhoto

from ..factories import T0, dispatched_event, event_world, registered_event

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def world():
    return event_world()


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_reported_photo_is_stored_under_a_name_of_its_real_type(world):
    event = registered_event(
        world, media=[SimpleUploadedFile("../../evil.exe", PNG, content_type="application/x-exe")]
    )

    (photo,) = event.photos.all()
    assert photo.kind == "report"
    assert Path(photo.file.name).name.endswith(".png")
    assert "evil" not in photo.file.name


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("scan.jpg", b"%PDF-1.7 not a photo", content_type="image/jpeg"),
        SimpleUploadedFile("empty.jpg", b"", content_type="image/jpeg"),
        SimpleUploadedFile("note.png", b"just text", content_type="image/png"),
    ],
    ids=["pdf named jpg", "empty", "text named png"],
)
def test_a_report_with_a_non_photo_is_refused_and_nothing_is_registered(world, upload):
    before = Event.objects.count()

    with pytest.raises(EventInvalid) as refused:
        registered_event(world, media=[upload])

    assert refused.value.field == "photos"
    assert Event.objects.count() == before
    assert EventPhoto.objects.count() == 0
    assert stored_files() == []


def test_a_handling_note_with_a_non_photo_is_refused_and_nothing_is_recorded(world):
    event = dispatched_event(world)
    event = services.event_sign(actor=world.handler_cgj, event=event, at=T0 + timedelta(hours=1))
    entries = EventEntry.objects.filter(event=event).count()

    with pytest.raises(EventInvalid) as refused:
        services.event_handle(
            actor=world.handler_cgj,
            event=event,
            note="现场已处理",
            photos=[SimpleUploadedFile("a.jpg", JPEG), SimpleUploadedFile("b.jpg", b"MZ\x90\x00")],
            at=T0 + timedelta(hours=2),
        )

    assert refused.value.field == "photos"
    assert EventPhoto.objects.filter(event=event).count() == 0
    assert stored_files() == []
    assert EventEntry.objects.filter(event=event).count() == entries


def test_more_photos_than_allowed_at_once_are_refused(world):
    with pytest.raises(EventInvalid) as refused:
        registered_event(world, media=[SimpleUploadedFile(f"{i}.jpg", JPEG) for i in range(7)])

    assert refused.value.field == "photos"
    assert Event.objects.count() == 0
