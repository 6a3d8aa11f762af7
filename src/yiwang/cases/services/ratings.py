"""Ratings (好差评) and the rectification of bad ones (差评整改)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.cases.errors import CaseConflict
from yiwang.cases.models import Case, Rating, RectificationTask
from yiwang.cases.permissions import is_supervisor_of
from yiwang.cases.services._common import (
    audit,
    lock_case,
    now_or,
    require_applicant,
    require_text,
    timeline,
)
from yiwang.core.calendar import load_calendar
from yiwang.identity.models import User

DEFAULT_RECTIFICATION_DAYS = 5


def rectification_days() -> int:
    """``settings.YIWANG_RECTIFICATION_DAYS`` (working days, default 5), read at call time."""
    return int(getattr(settings, "YIWANG_RECTIFICATION_DAYS", DEFAULT_RECTIFICATION_DAYS))


def _check_level(level: object) -> int:
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
        raise ValidationError({"level": [_("Choose a rating from 1 to 5.")]})
    return level


def rating_submit(
    *,
    case: Case,
    applicant: User,
    level: int,
    comment: str = "",
    at: datetime | None = None,
) -> Rating:
    """Rate a closed case (好差评): 5 非常满意 … 1 非常不满意; once per case.

    A rating of 2 (不满意) or 1 (非常不满意) opens a RectificationTask for the
    department, due ``settings.YIWANG_RECTIFICATION_DAYS`` (default 5)
    working days later; its ``rated`` entry carries it, and after the commit
    ``case.rectification_opened`` is announced (the department's supervisors are
    notified). Timeline ``rated``; audit ``case.rate``.
    Errors: CaseNotFound (404); ValidationError (``level`` not 1–5);
    CaseConflict (``not_closed``, ``already_rated``).
    """
    at = now_or(at)
    level = _check_level(level)
    with transaction.atomic():
        locked = lock_case(case)
        require_applicant(locked, applicant)
        if locked.closed_at is None or locked.step == "withdrawn":
            raise CaseConflict(_("The case can be rated once it is closed."), code="not_closed")
        if Rating.objects.filter(case=locked).exists():
            raise CaseConflict(_("You have already rated this case."), code="already_rated")
        rating = Rating.objects.create(
            case=locked, level=level, comment=comment.strip(), rated_at=at
        )
        data: dict[str, object] = {"level": level}
        task: RectificationTask | None = None
        if rating.is_bad:
            days = rectification_days()
            due, provisional = load_calendar().deadline_marked(at, days)
            task = RectificationTask.objects.create(
                rating=rating,
                department_id=locked.department_id,
                due_at=due,
                limit_days=days,
                due_provisional=provisional,
                created_at=at,
            )
            data["rectification_due_at"] = due.isoformat()
            data["rectification"] = task.pk
        # 整改: the department's supervisors are told after the commit (the entry's outbox).
        timeline(
            locked, "rated", at, detail=comment.strip(), data=data, actor=applicant,
            rectification=task.pk if task is not None else None,
        )  # fmt: skip
        audit(applicant, "case.rate", locked, **data)
    return rating


def _lock_task(task: RectificationTask) -> RectificationTask:
    return (
        RectificationTask.objects.select_for_update(of=("self",))
        .select_related("rating__case")
        .get(pk=task.pk)
    )


def rectification_reply(
    *, task: RectificationTask, supervisor: User, reply: str, at: datetime | None = None
) -> RectificationTask:
    """The department's supervisor replies to a bad rating (整改答复); the applicant sees it.

    Errors: PermissionDenied (not a supervisor of the task's department);
    ValidationError (``reply``); CaseConflict (``not_open``). Timeline
    ``rectification_replied``; audit; notifies (``rectification_replied``).
    """
    at = now_or(at)
    require_text(reply=reply)
    with transaction.atomic():
        locked = _lock_task(task)
        if not is_supervisor_of(supervisor, locked.department_id):
            raise PermissionDenied(_("Only a supervisor of the department may reply."))
        if locked.status != RectificationTask.Status.OPEN:
            raise CaseConflict(_("This rating was already answered."), code="not_open")
        locked.reply = reply.strip()
        locked.replied_by = supervisor
        locked.replied_at = at
        locked.status = RectificationTask.Status.REPLIED
        locked.save(update_fields=["reply", "replied_by", "replied_at", "status"])
        case = locked.rating.case
        timeline(
            case, "rectification_replied", at, detail=locked.reply, actor=supervisor,
            notify="rectification_replied", notify_context={"reply": locked.reply},
        )  # fmt: skip
        audit(
            supervisor,
            "case.rectification_reply",
            case,
            task=locked.pk,
            on_time=at <= locked.due_at,
        )
    return locked


def rectification_follow_up(
    *,
    task: RectificationTask,
    applicant: User,
    level: int,
    at: datetime | None = None,
) -> RectificationTask:
    """The applicant rates the reply (回访评价); the task closes.

    Errors: CaseNotFound (404) for another applicant; ValidationError
    (``level``); CaseConflict (``not_replied``). Timeline; audit.
    """
    at = now_or(at)
    level = _check_level(level)
    with transaction.atomic():
        locked = _lock_task(task)
        case = locked.rating.case
        require_applicant(case, applicant)
        if locked.status == RectificationTask.Status.OPEN:
            raise CaseConflict(_("The department has not replied yet."), code="not_replied")
        if locked.status == RectificationTask.Status.CLOSED:
            raise CaseConflict(_("You have already rated the reply."), code="closed")
        locked.follow_up_level = level
        locked.followed_up_at = at
        locked.status = RectificationTask.Status.CLOSED
        locked.save(update_fields=["follow_up_level", "followed_up_at", "status"])
        timeline(case, "rectification_followed_up", at, data={"level": level}, actor=applicant)
        audit(applicant, "case.rectification_follow_up", case, task=locked.pk, level=level)
    return locked
