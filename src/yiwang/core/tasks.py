"""Enqueueing background tasks with the change that calls for them (the transactional outbox).

Every app enqueues its tasks through :func:`enqueue_with_transaction`: one
rule for what happens when the change rolls back.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend

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
