"""Photos of an event (reported and result photos): the one place a photo is checked and stored.

Every way in (the console and portal forms, the events API, Open311's ``media_url``)
ends here, so no caller can store a file the check has not seen: the size limit and
the type sniffed from the content (``cases.uploads.check_upload``: JPEG or PNG), and
the stored name made from the real type, never the name a client sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.files.base import File
from django.utils.translation import gettext as _

from yiwang.cases.errors import UploadRejected, UploadTooLarge
from yiwang.cases.uploads import check_upload
from yiwang.core.storage import save_with_row
from yiwang.events.errors import EventInvalid
from yiwang.events.models import Event, EventPhoto

#: What a photo may be, by its content.
PHOTO_FORMATS = ("jpg", "png")


def _checked(item: Any) -> tuple[File[Any], str]:
    """``item`` as a File and its real format; EventInvalid (field ``photos``) if it is no photo."""
    upload = item if isinstance(item, File) else File(item)
    try:
        checked = check_upload(upload, accepted=PHOTO_FORMATS)
    except UploadRejected as exc:
        raise EventInvalid(exc.message, field="photos") from exc
    except UploadTooLarge as exc:
        raise EventInvalid(exc.message, field="photos") from exc
    upload.seek(0)
    return upload, checked.format


def photos_store(
    *, event: Event, items: Sequence[Any], kind: str, actor: Any, at: datetime
) -> list[EventPhoto]:
    """Check every one of ``items`` and only then store them as photos of ``event``, named
    ``photo-<n>.<real type>``; a string is kept as a link (an Open311 ``media_url``, checked
    by its caller). Runs inside the caller's transaction (stored files follow it: see
    ``core.storage``).

    Raises EventInvalid (field ``photos``) for more than MAX_PHOTOS, or an empty, oversized
    or non-image file, before anything is written."""
    if len(items) > MAX_PHOTOS:
        raise EventInvalid(_("At most %(n)d photos at once.") % {"n": MAX_PHOTOS}, field="photos")
    checked = [item if isinstance(item, str) else _checked(item) for item in items]
    photos = []
    for number, item in enumerate(checked, start=1):
        photo = EventPhoto(
            event=event,
            kind=kind,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
            uploaded_at=at,
        )
        if isinstance(item, str):
            photo.url = item[:500]
            photo.save()
        else:
            upload, fmt = item
            photo.save()
            save_with_row(photo.file, f"photo-{number}.{fmt}", upload)
            photo.save(update_fields=["file"])
        photos.append(photo)
    return photos


#: Photos taken at once (one report, one handling note).
MAX_PHOTOS = 6
