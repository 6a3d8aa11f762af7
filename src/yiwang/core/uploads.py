"""Upload handling for the whole site: a client's file name never names a file on disk.

Django's ``TemporaryFileUploadHandler`` (used for uploads larger than
``FILE_UPLOAD_MAX_MEMORY_SIZE``) names its temporary file ``tmp…upload<ext>``
with the extension the client sent; an extension longer than the file
system allows (``x.`` followed by 100 Chinese characters is 300 bytes)
fails with "File name too long" while the request is read. This handler
streams to a temporary file whose name is always ours. The name the client
sent is kept, as Django keeps it (at most 255 characters), on the uploaded
file only.
"""

from __future__ import annotations

import tempfile
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, TemporaryFileUploadHandler


class SafeTemporaryUploadedFile(TemporaryUploadedFile):
    """A TemporaryUploadedFile whose file on disk is named without the client's extension."""

    def __init__(
        self,
        name: str,
        content_type: str,
        size: int,
        charset: str | None,
        content_type_extra: dict[str, Any] | None = None,
    ) -> None:
        file = tempfile.NamedTemporaryFile(suffix=".upload", dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115
        UploadedFile.__init__(self, file, name, content_type, size, charset, content_type_extra)


class SafeTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Streams an upload to a temporary file named by us (see the module docstring)."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        FileUploadHandler.new_file(self, *args, **kwargs)
        self.file = SafeTemporaryUploadedFile(
            self.file_name or "upload",
            self.content_type or "application/octet-stream",
            0,
            self.charset,
            self.content_type_extra,
        )
