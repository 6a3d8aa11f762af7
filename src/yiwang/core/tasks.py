"""Background tasks: the one outbox helper every app uses.

- :func:`enqueue_with_transaction`: a task exists exactly when the change that
  calls for it commits (the transactional outbox);
- :class:`RetryPolicy`: how many attempts a delivery gets and how long it waits
  between them (exponential backoff);
- :func:`stale_tasks_requeue`: crash recovery for django_tasks_db. ``db_worker``
  claims a task by setting it ``RUNNING`` in a short transaction of its own
  (``SELECT … FOR UPDATE SKIP LOCKED``, then UPDATE, then COMMIT) and only then
  runs it; a worker killed while it runs the task leaves the row ``RUNNING``
  for ever, and nothing in the library looks at old ``RUNNING`` rows. This puts
  them back to ``READY`` after a threshold longer than any task ever runs;
  yiwang's tasks are safe to run twice.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import (
    DEFAULT_TASK_BACKEND_ALIAS,
    TaskResultStatus,
    normalize_json,
    task_enqueued,
)
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)


def enqueue_with_transaction(
    task: Task[Any, Any], *args: Any, run_after: datetime | None = None, **kwargs: Any
) -> bool:
    """Enqueue ``task(*args, **kwargs)`` so that it exists exactly when the current change does.

    The database backend INSERTs the task row on the current connection, so it
    commits or rolls back with the caller. Any other backend (the immediate
    one in some setups) would run or send the task at once, outside the
    transaction: for those the enqueue waits for the commit, so a rolled-back
    change enqueues nothing. With ``run_after`` on a backend that cannot
    defer, nothing is enqueued and False is returned (the caller decides what
    to do instead); True otherwise.
    """
    backend = task.get_backend()
    if run_after is not None:
        if not backend.supports_defer:
            logger.warning("%s: the tasks backend cannot defer; not enqueued", task.name)
            return False
        task = task.using(run_after=run_after)
    if isinstance(backend, DatabaseBackend):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
    return True


def enqueue_many_with_transaction(task: Task[Any, Any], calls: list[tuple[Any, ...]]) -> None:
    """:func:`enqueue_with_transaction` of ``task(*args)`` for each ``args`` of ``calls``: the
    same rows, written with one INSERT on the database backend (what the backend's own
    ``enqueue`` writes, one row per call: its id, arguments, priority, queue), so a batch
    that enqueues a task per row it wrote does not pay a statement per task. Any other
    backend enqueues each after the commit, as ``enqueue_with_transaction`` does."""
    if not calls:
        return
    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        for args in calls:
            transaction.on_commit(partial(task.enqueue, *args))
        return
    backend.validate_task(task)
    rows = [
        DBTaskResult(
            id=backend._get_id(),
            args_kwargs=normalize_json({"args": list(args), "kwargs": {}}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after or get_date_max(),  # what its pre_save handler sets
            backend_name=backend.alias,
        )
        for args in calls
    ]
    DBTaskResult.objects.bulk_create(rows)
    for row in rows:
        task_enqueued.send(type(backend), task_result=row.task_result)


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` in all; after failed attempt n (1-based) the next waits ``first`` × 2^(n-1).

    Notifications and webhooks each have one, from their settings; the rule is this one.
    """

    attempts: int
    first: timedelta

    def delay_after(self, attempt: int) -> timedelta:
        """The wait after failed attempt number ``attempt``."""
        return self.first * 2 ** max(0, attempt - 1)

    def gives_up_after(self, attempt: int) -> bool:
        """Whether failed attempt number ``attempt`` was the last one."""
        return attempt >= self.attempts


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
