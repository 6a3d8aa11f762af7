"""Uploaded files: size limit, type sniffed from content, SHA-256, storage.

The type of a file is decided from its first bytes, never from its name or
the browser's Content-Type: PDF (``%PDF-``), JPEG (``FF D8 FF``), PNG (the
8-byte signature) and OFD (the Chinese fixed-layout format: a ZIP archive
whose root holds ``OFD.xml``).
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiwang.cases.errors import UploadRejected, UploadTooLarge

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
CHUNK = 64 * 1024

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "ofd": "application/ofd",
}
FORMAT_LABELS = {"pdf": "PDF", "jpg": "JPEG", "png": "PNG", "ofd": "OFD"}

#: A stored file's content type in plain words, for citizens (officers see the type itself).
FILE_KINDS = {
    "application/pdf": gettext_lazy("PDF file"),
    "image/jpeg": gettext_lazy("JPEG image"),
    "image/png": gettext_lazy("PNG image"),
    "application/ofd": gettext_lazy("OFD file"),
}


def file_kind_label(content_type: str) -> str:
    """``application/pdf`` → "PDF file" (translated); an unknown type → "File"."""
    return str(FILE_KINDS.get(content_type, gettext_lazy("File")))


def megabytes_label(size: int) -> str:
    """A size limit in plain words: 20 MiB → "20 MB" (the unit people know; Django's
    ``filesizeformat`` also counts 1024 bytes to the KB)."""
    return _("%(size)s MB") % {"size": f"{size / (1024 * 1024):g}"}


def max_upload_bytes() -> int:
    """``settings.YIWANG_UPLOAD_MAX_BYTES`` (default 20 MiB), read at call time."""
    return int(getattr(settings, "YIWANG_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def sniff_format(stream: IO[bytes]) -> str | None:
    """``"pdf"``, ``"jpg"``, ``"png"``, ``"ofd"`` from the content, or None. Rewinds ``stream``."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(stream) as archive:
                names = {n.rstrip("/") for n in archive.namelist()}
        except (zipfile.BadZipFile, OSError, ValueError):
            names = set()
        finally:
            stream.seek(0)
        if "OFD.xml" in names:
            return "ofd"
    return None


@dataclass(frozen=True)
class CheckedUpload:
    format: str
    content_type: str
    size: int
    sha256: str


def check_upload(file: File[Any], *, accepted: list[str] | tuple[str, ...]) -> CheckedUpload:
    """Size, type and SHA-256 of ``file``, streamed in chunks (never read whole into memory).

    Raises UploadTooLarge as soon as the limit is passed, UploadRejected for
    an empty file or a type not in ``accepted`` (an empty list accepts every
    sniffable type).
    """
    limit = max_upload_bytes()
    declared = getattr(file, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise _too_large(limit)
    digest = hashlib.sha256()
    size = 0
    file.seek(0)
    for chunk in file.chunks(CHUNK):
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        digest.update(chunk)
    if size == 0:
        raise UploadRejected(_("The file is empty."), code="empty")
    fmt = sniff_format(file)
    allowed = list(accepted) or list(CONTENT_TYPES)
    if fmt is None or fmt not in allowed:
        names = ", ".join(FORMAT_LABELS.get(f, f.upper()) for f in allowed)
        raise UploadRejected(
            _("This file is not an accepted type. Accepted: %(formats)s.") % {"formats": names},
            code="wrong_type",
        )
    file.seek(0)
    return CheckedUpload(fmt, CONTENT_TYPES[fmt], size, digest.hexdigest())


#: How long a stored original name may be (the column takes 255; room for a label before it).
NAME_LIMIT = 120


def offered_name(client_name: str, fmt: str) -> str:
    """The name a file is stored and offered under: the client's file name, without any
    folder or control characters, with the extension of the type sniffed from its content.

    A PDF sent as ``invoice.html`` or ``run.bat`` is ``invoice.pdf`` / ``run.pdf``: a
    download can never carry an extension that another program would run or render.
    """
    base = client_name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(char for char in base if char.isprintable() and char not in '"<>|:*?')
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem.strip(" .")[: NAME_LIMIT - len(fmt) - 1] or "upload"
    return f"{stem}.{fmt}"


def offered_name_for(name: str, content_type: str) -> str:
    """:func:`offered_name` of a stored name, from its stored (sniffed) content type; for rows
    stored before names were made safe."""
    fmt = next((f for f, t in CONTENT_TYPES.items() if t == content_type), "bin")
    return offered_name(name, fmt)


def _too_large(limit: int) -> UploadTooLarge:
    return UploadTooLarge(
        _("The file is larger than %(limit)s.") % {"limit": megabytes_label(limit)}, limit=limit
    )
