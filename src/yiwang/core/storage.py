"""Stored files that exist exactly when the database row that names them does.

A file is written to storage (the file system, or S3-compatible object
storage) before the row that refers to it is committed, and storage takes no
part in the database transaction. Left alone, a failed or killed request
would leave the file behind with no row: anyone could fill the disk 20 MiB
at a time. So every file a service stores goes through :func:`save_with_row`:

1. a **marker** ``pending/<unix time>-<token>`` is written first, holding the
   model, field and path of the file (a few bytes);
2. the file itself is stored;
3. on commit, the marker is removed (``transaction.on_commit``);
4. if the transaction does not commit:

   - on an exception in this process, :func:`discard_on_error` deletes the file
     and its marker at once;
   - if the process died (``kill -9``, a crash, a rolled-back outer
     transaction), :func:`pending_files_sweep` finds the marker after a grace
     period, sees that no row names the file, and deletes both. A file whose
     row did commit (the process died before removing the marker) is kept.

The sweeper reads only the markers, so its cost follows the number of
uploads in flight, not the number of files stored. ``manage.py
run_scheduler`` runs it every round.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models.fields.files import FieldFile

logger = logging.getLogger(__name__)

PENDING_DIR = "pending"
#: How long a file may wait for its row before the sweeper takes it for an orphan.
DEFAULT_GRACE = timedelta(hours=1)

# The files stored in the current discard_on_error block (storage, path, marker).
_stored: ContextVar[list[tuple[Storage, str, str]] | None] = ContextVar("_stored", default=None)


@contextmanager
def discard_on_error() -> Iterator[None]:
    """Delete the files :func:`save_with_row` stored inside this block if an exception leaves it.

    Only files whose transaction has not committed are deleted: once the row is
    committed its file is kept, even if a later step in the block fails.
    Wrap the whole transaction of a service that stores files (outside its
    ``transaction.atomic()``), so that a refusal after the file was written
    (a constraint, a NUL byte in a name on PostgreSQL) leaves nothing behind.
    """
    token = _stored.set([])
    try:
        yield
    except BaseException:
        for storage, path, marker in _stored.get() or []:
            _delete_quietly(storage, path)
            _delete_quietly(storage, marker)
        raise
    finally:
        _stored.reset(token)


def save_with_row(field_file: FieldFile, name: str, content: File[Any]) -> str:
    """``field_file.save(name, content, save=False)``, for a row saved in this transaction.

    The caller saves the row in the same transaction. Returns the stored path.
    See the module's docstring for what happens when the transaction does not
    commit.
    """
    storage: Storage = field_file.storage
    instance, field = field_file.instance, field_file.field
    path = field.generate_filename(instance, name)
    owner = f"{instance._meta.label}.{field.name}\n"
    marker = storage.save(
        f"{PENDING_DIR}/{int(time.time())}-{secrets.token_hex(8)}",
        ContentFile((owner + path).encode()),
    )
    try:
        stored = storage.save(path, content, max_length=field.max_length)
    except BaseException:
        _delete_quietly(storage, marker)
        raise
    # What FieldFile.save(…, save=False) does, with the name chosen once (upload_to may be
    # random, and the marker must name the very file stored).
    field_file.name = stored
    setattr(instance, field.attname, stored)
    field_file._committed = True  # type: ignore[attr-defined]
    if stored != path:  # the storage chose another name: the marker must say which
        storage.delete(marker)
        marker = storage.save(marker, ContentFile((owner + stored).encode()))
    entry = (storage, stored, marker)
    collected = _stored.get()
    if collected is not None:
        collected.append(entry)

    def committed() -> None:
        # The row is in the database now: the file is no longer discard_on_error's to
        # delete, even if something later in the block fails (another on_commit hook).
        if collected is not None and entry in collected:
            collected.remove(entry)
        _delete_quietly(storage, marker)

    transaction.on_commit(committed)
    return stored


def pending_files_sweep(
    *,
    storage: Storage | None = None,
    older_than: timedelta = DEFAULT_GRACE,
    now: float | None = None,
) -> int:
    """Delete the stored files whose row never committed; returns how many were deleted.

    Reads the markers older than ``older_than``; a file that a row names is
    kept (only its marker goes), any other is deleted with its marker. Logs
    the count. Safe to run in several processes at once (deleting twice is
    harmless).
    """
    from django.core.files.storage import default_storage

    storage = storage or default_storage
    limit = (now if now is not None else time.time()) - older_than.total_seconds()
    try:
        _dirs, names = storage.listdir(PENDING_DIR)
    except FileNotFoundError:
        return 0
    deleted = 0
    for name in sorted(names):
        stamp = name.split("-", 1)[0]
        if not stamp.isdigit() or int(stamp) > limit:
            continue
        marker = f"{PENDING_DIR}/{name}"
        try:
            with storage.open(marker) as handle:
                owner, _sep, path = handle.read().decode().partition("\n")
        except FileNotFoundError:
            continue  # another sweeper took it
        if path and not _is_named_by_a_row(owner, path):
            if not _delete_quietly(storage, path):
                continue  # keep the marker: the next round tries again
            deleted += 1
        _delete_quietly(storage, marker)
    if deleted:
        logger.warning("Deleted %d stored file(s) whose upload never committed", deleted)
    return deleted


def _is_named_by_a_row(owner: str, path: str) -> bool:
    label, _dot, field = owner.rpartition(".")
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return True  # a model this installation no longer has: keep the file, to be safe
    return bool(model._default_manager.filter(**{field: path}).exists())


def _delete_quietly(storage: Storage, path: str) -> bool:
    """Delete ``path``; on any backend's error (storage down) log it and return False."""
    try:
        storage.delete(path)
    except Exception:  # the sweeper tries again while the marker is there
        logger.warning("Could not delete %s from storage", path, exc_info=True)
        return False
    return True
