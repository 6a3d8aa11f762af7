"""Stored files exist exactly when their row does: a failed or killed upload leaves nothing.

Found by a probe: a refused or crashed ``POST …/materials`` left its 20 MiB
file under the media root with no row, and nothing ever removed it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction

from tests.clock import NOW
from tests.factories import PDF_BYTES, case_world, draft_application, upload
from yiwang.cases import services
from yiwang.cases.models import CaseMaterial
from yiwang.core.storage import PENDING_DIR, pending_files_sweep

ROOT = Path(__file__).resolve().parents[2]
HOUR = 3600


def stored_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.mark.django_db
def test_an_upload_refused_after_the_file_was_written_leaves_no_file(settings, monkeypatch):
    # Given: a draft, and an audit log that fails (any error after the file is stored)
    world = case_world()
    application = draft_application(world, upload_required=False)
    material = world.required_materials[0]
    media = Path(settings.MEDIA_ROOT)
    before = stored_files(media) if media.exists() else []

    def fail(**kwargs):
        if kwargs.get("action") == "material.upload":
            raise RuntimeError("the audit log is down")

    monkeypatch.setattr("yiwang.cases.services.materials.audit_record", fail)

    # When
    with pytest.raises(RuntimeError):
        services.material_upload(
            actor=world.applicant, application=application, material_id=material.pk,
            file=upload("scan.pdf"),
        )  # fmt: skip

    # Then: no row, no file, no marker
    assert not CaseMaterial.objects.filter(application=application).exists()
    assert stored_files(media) == before


@pytest.mark.django_db
def test_a_committed_upload_keeps_its_file_and_no_marker(
    settings, django_capture_on_commit_callbacks
):
    world = case_world()
    application = draft_application(world, upload_required=False)

    with django_capture_on_commit_callbacks(execute=True):
        row = services.material_upload(
            actor=world.applicant, application=application,
            material_id=world.required_materials[0].pk, file=upload("scan.pdf"),
        )  # fmt: skip

    media = Path(settings.MEDIA_ROOT)
    assert stored_files(media) == [row.file.name]
    assert row.file.read() == PDF_BYTES


@pytest.mark.django_db(transaction=True)
def test_an_upload_rolled_back_by_an_outer_transaction_is_swept_after_the_grace(settings):
    # Given: the upload succeeds inside a transaction that then rolls back (no exception
    # passes through the upload itself, so only the sweeper can find the file)
    world = case_world()
    application = draft_application(world, upload_required=False)
    media = Path(settings.MEDIA_ROOT)
    before = stored_files(media)

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        services.material_upload(
            actor=world.applicant, application=application,
            material_id=world.required_materials[0].pk, file=upload("scan.pdf"),
        )  # fmt: skip
        raise Abandon
    left = set(stored_files(media)) - set(before)
    assert len(left) == 2  # the file and its marker

    # When: the sweeper runs within the grace period, then after it
    early = pending_files_sweep(now=NOW.timestamp() + 60)
    late = pending_files_sweep(now=NOW.timestamp() + 2 * HOUR)

    # Then
    assert early == 0
    assert late == 1
    assert stored_files(media) == before


@pytest.mark.django_db
def test_the_sweeper_keeps_a_file_whose_row_committed_before_the_marker_went(settings):
    # Given: a committed upload whose marker is still there (the process died after commit)
    world = case_world()
    application = draft_application(world, upload_required=False)
    row = services.material_upload(
        actor=world.applicant, application=application,
        material_id=world.required_materials[0].pk, file=upload("scan.pdf"),
    )  # fmt: skip
    marker = default_storage.save(
        f"{PENDING_DIR}/{int(NOW.timestamp())}-deadbeef",
        ContentFile(f"cases.CaseMaterial.file\n{row.file.name}".encode()),
    )

    # When
    deleted = pending_files_sweep(now=NOW.timestamp() + 2 * HOUR)

    # Then: the file stays, the marker goes
    assert deleted == 0
    assert default_storage.exists(row.file.name)
    assert not default_storage.exists(marker)


KILLED_UPLOAD = """
    import os, signal, sys
    import django
    import time_machine
    django.setup()
    from django.core.files.base import ContentFile
    from django.db import transaction
    from datetime import datetime
    from yiwang.cases.models import CaseMaterial
    from yiwang.core.storage import save_with_row

    # The child runs at the test's instant too (given as its argument), never at today's.
    with time_machine.travel(sys.argv[1], tick=False), transaction.atomic():
        row = CaseMaterial(uploaded_at=datetime.fromisoformat(sys.argv[1]))
        print(save_with_row(row.file, "upload.pdf", ContentFile(b"%PDF-1.7 killed")), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)  # the worker dies before the row is saved
"""


@pytest.mark.django_db
def test_a_process_killed_mid_upload_leaves_a_file_the_sweeper_deletes(tmp_path):
    # Given: a process that stores an upload and is killed before its transaction commits
    media = tmp_path / "media"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("YIWANG_", "DATABASE_"))},
        "PYTHONPATH": "src",
        "DJANGO_SETTINGS_MODULE": "yiwang.settings",
        "YIWANG_ENV": "test",
        "YIWANG_VAR_DIR": str(tmp_path / "var"),
        "YIWANG_MEDIA_ROOT": str(media),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", textwrap.dedent(KILLED_UPLOAD), NOW.isoformat()],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == -signal.SIGKILL, result.stderr
    path = result.stdout.strip()
    storage = FileSystemStorage(location=media)
    assert storage.exists(path)

    # When: the sweeper runs an hour and more after the killed upload (no row names the file;
    # the child ran at the test's instant)
    [marker] = (media / PENDING_DIR).iterdir()
    written = int(marker.name.split("-", 1)[0])
    assert written == int(NOW.timestamp())
    assert pending_files_sweep(storage=storage, now=written + 60) == 0  # within the grace
    deleted = pending_files_sweep(storage=storage, now=written + 2 * HOUR)

    # Then
    assert deleted == 1
    assert stored_files(media) == []


@pytest.mark.django_db(transaction=True)
def test_a_failure_after_the_commit_keeps_the_committed_file(settings, monkeypatch):
    """Found in review: a hook that failed after the upload's transaction committed (an
    on_commit callback raising) made discard_on_error delete the file its row names."""
    # Given: an upload whose transaction commits, then a commit hook that fails
    world = case_world()
    application = draft_application(world, upload_required=False)
    real_audit = services.materials.audit_record

    def failing_hook():
        raise RuntimeError("a hook failed")

    def audit_then_fail_after_commit(**kwargs):
        real_audit(**kwargs)
        transaction.on_commit(failing_hook)

    monkeypatch.setattr(
        "yiwang.cases.services.materials.audit_record", audit_then_fail_after_commit
    )

    # When
    with pytest.raises(RuntimeError, match="a hook failed"):
        services.material_upload(
            actor=world.applicant, application=application,
            material_id=world.required_materials[0].pk, file=upload("scan.pdf"),
        )  # fmt: skip

    # Then: the row committed, and its file is there (the marker is gone)
    row = CaseMaterial.objects.get(application=application)
    assert default_storage.exists(row.file.name)
    assert row.file.read() == PDF_BYTES
    assert stored_files(Path(settings.MEDIA_ROOT) / PENDING_DIR) == []


def test_the_sweeper_keeps_the_marker_when_storage_refuses_a_delete(tmp_path, monkeypatch):
    # Given: an orphan older than the grace, and storage that fails to delete it once
    storage = FileSystemStorage(location=tmp_path)
    path = storage.save("orphan.pdf", ContentFile(b"%PDF-1.7 orphan"))
    storage.save(f"{PENDING_DIR}/1000-cafe", ContentFile(f"no.Such.file\n{path}".encode()))
    real_delete = storage.delete
    failures = iter([ConnectionError("object storage is down")])

    def flaky_delete(name):
        error = next(failures, None)
        if error is not None:
            raise error
        real_delete(name)

    monkeypatch.setattr(storage, "delete", flaky_delete)
    monkeypatch.setattr("yiwang.core.storage._is_named_by_a_row", lambda owner, path: False)

    # When: one round fails, the next succeeds
    first = pending_files_sweep(storage=storage, now=1000 + 2 * HOUR)
    second = pending_files_sweep(storage=storage, now=1000 + 2 * HOUR)

    # Then
    assert (first, second) == (0, 1)
    assert stored_files(tmp_path) == []
