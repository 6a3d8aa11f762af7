"""An event's photos for officers: the list, a handler's upload of a result photo, the file."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Path, Schema, Status, UploadedFile

from yiwang.core.apitypes import INT_MAX, ErrorOut
from yiwang.events import selectors, services
from yiwang.events.api.base import NUMBER, TEXT_MAX, E, _visible, officer_router
from yiwang.events.downloads import photo_response
from yiwang.events.models import Event, EventPhoto
from yiwang.integrations.auth import user_of


class PhotoOut(Schema):
    id: int
    kind: str = Field(description="'report' (of the problem) or 'result' (handling evidence)")
    uploaded_at: datetime
    url: str = Field(
        description="Where to get it: this API's download path, or the report's external link"
    )


def _photo(event: Event, photo: EventPhoto) -> dict[str, Any]:
    url = photo.url
    if photo.file:
        url = reverse("api:event_photo_file", args=[event.number, photo.pk])
    return {"id": photo.pk, "kind": photo.kind, "uploaded_at": photo.uploaded_at, "url": url}


@officer_router.get(
    "/events/{number}/photos",
    response={200: list[PhotoOut], **E},
    summary="The event's photos: reported and result (处置照片), oldest first",
)
def event_photos(request: HttpRequest, number: str = NUMBER) -> Any:
    event = _visible(request, number)
    return [_photo(event, p) for p in selectors.event_photos(event=event)]


@officer_router.post(
    "/events/{number}/photos",
    response={201: list[PhotoOut], **E, 413: ErrorOut},
    summary="Upload a result photo (JPEG or PNG, checked from the content) as a handling note",
    description=(
        "A handler of an assigned department, while the event is being handled: the photo "
        "is checked by content and size as on the pages (`services.photos`) and recorded "
        "with the optional note (`services.event_handle`). Answers the event's photos."
    ),
)
def event_photo_upload(
    request: HttpRequest,
    file: File[UploadedFile],
    number: str = NUMBER,
    note: str = Form("", max_length=TEXT_MAX),
) -> Any:
    event = _visible(request, number)
    services.event_handle(actor=user_of(request), event=event, note=note, photos=[file])
    return Status(201, [_photo(event, p) for p in selectors.event_photos(event=event)])


@officer_router.get(
    "/events/{number}/photos/{photo_id}",
    response={200: None, **E},
    summary="Download one stored photo of the event",
    url_name="event_photo_file",
)
def event_photo_file(
    request: HttpRequest, number: str = NUMBER, photo_id: int = Path(..., ge=1, le=INT_MAX)
) -> Any:
    photo = selectors.event_photo(event=_visible(request, number), photo_id=photo_id)
    if photo is None:
        raise Http404(_("No such photo."))
    return photo_response(photo)
