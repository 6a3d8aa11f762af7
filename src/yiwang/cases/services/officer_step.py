"""The step every officer command shares: lock the case, check the officer's role, run
the workflow command, then timeline, audit and notify.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from yiwang.cases.models import Case
from yiwang.cases.services._common import audit, execute, lock_case, officer_workflow_role, timeline
from yiwang.identity.models import User


def _officer_step(
    case: Case,
    *,
    actor: User,
    command: str,
    fields: Mapping[str, Any] | None = None,
    expected_version: int | None,
    at: datetime,
    kind: str,
    detail: str = "",
    data: Mapping[str, Any] | None = None,
    notify: str | None = None,
    due: bool = False,
    public: bool = True,
) -> Case:
    """Lock, check the role, execute, then timeline (with the new due date when ``due``) +
    audit + notify. Caller holds the atomic."""
    locked = lock_case(case)
    role = officer_workflow_role(locked, actor, command)
    execute(
        locked,
        actor=actor,
        command=command,
        role=role,
        fields=fields,
        expected_version=expected_version,
        at=at,
    )
    timeline(
        locked, kind, at, detail=detail, data=data, due=due, public=public, actor=actor,
        notify=notify, notify_context=data,
    )  # fmt: skip
    audit(actor, f"case.{command}", locked, role=role, **dict(fields or {}))
    return locked
