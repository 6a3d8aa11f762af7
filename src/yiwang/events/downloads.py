"""Serving an event's stored photo: the one response the pages and the API use."""

from __future__ import annotations

from django.http import FileResponse

from yiwang.cases.downloads import stored_file_response
from yiwang.events.models import EventPhoto


def photo_response(photo: EventPhoto) -> FileResponse:
    """The stored photo, inline, typed by its stored name (made from the type sniffed at
    upload: ``services.photos``), private and never content-sniffed."""
    name = photo.file.name.rsplit("/", 1)[-1]
    content_type = "image/png" if name.lower().endswith(".png") else "image/jpeg"
    return stored_file_response(photo.file, content_type=content_type, filename=name, inline=True)
