"""Recovering background tasks whose worker died (crash recovery for django_tasks_db).

``db_worker`` claims a task by setting it ``RUNNING`` in a short transaction
of its own (``SELECT … FOR UPDATE SKIP LOCKED``, then UPDATE, then COMMIT)
and only then runs it. A worker killed while it runs the task (OOM, SIGKILL,
lost machine) leaves the row ``RUNNING`` for ever: the library's workers only
pick ``READY`` rows and nothing in the library looks at old ``RUNNING`` ones.
The row is not lost, but nobody runs it again. ``requeue_stale_tasks`` puts
such rows back to ``READY``, so the next worker runs them; yiwang's tasks are
safe to run twice.

A task is taken for dead when it has been ``RUNNING`` for longer than the
threshold, so the threshold must be longer than any task ever runs.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
_UNITS = {"": "seconds", "s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_duration(text: str) -> timedelta:
    """``"90"``/``"90s"``, ``"10m"``, ``"2h"``, ``"1d"`` → timedelta; ValueError otherwise."""
    match = _DURATION.match(text.lower())
    if not match:
        raise ValueError(f"not a duration: {text!r} (use e.g. 30s, 10m, 2h, 1d)")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def stale_tasks_requeue(
    *,
    older_than: timedelta,
    backend_name: str = DEFAULT_TASK_BACKEND_ALIAS,
    dry_run: bool = False,
) -> list[str]:
    """Put tasks ``RUNNING`` since before ``now - older_than`` back to ``READY``.

    Returns their ids. Rows locked right now (a worker is claiming or
    finishing them) are skipped (``FOR UPDATE SKIP LOCKED``). The worker ids
    of earlier attempts stay on the row.
    """
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        stale = list(
            DBTaskResult.objects.select_for_update(skip_locked=True)
            .filter(
                backend_name=backend_name,
                status=TaskResultStatus.RUNNING,
                started_at__lt=cutoff,
            )
            .order_by("started_at")
            .values_list("id", "task_path", "started_at")
        )
        ids = [task_id for task_id, _, _ in stale]
        for task_id, task_path, started_at in stale:
            logger.warning(
                "task %s (%s) running since %s: %s",
                task_id,
                task_path,
                started_at.isoformat(),
                "would requeue" if dry_run else "requeued",
            )
        if ids and not dry_run:
            DBTaskResult.objects.filter(id__in=ids).update(
                status=TaskResultStatus.READY, started_at=None
            )
    return [str(task_id) for task_id in ids]
