"""Every read of the cases app that decides who may see what.

Officers
    case_list_for_officer, case_queue_counts, case_get_for_officer,
    case_allowed_commands, rectification_tasks_for_supervisor
Applicants
    case_list_for_applicant, case_get_for_applicant, application_list_drafts,
    application_get_for_applicant
Either (after one of the getters above allowed the case)
    case_timeline, case_clock, case_light, case_status_label, case_next_step,
    case_materials, material_get_for_user

Permission lives in the queries: an officer's queue is limited to the
departments where they hold an officer role; an applicant sees only cases
they applied for (as a citizen, or as an agent of the enterprise they acted
for). Getters raise :class:`CaseNotFound` (404) for a case the user may not
see as an applicant, and ``PermissionDenied`` (403) for an officer of another
department. Lights are computed in SQL from the denormalised ``due_at`` /
``warn_at`` / ``paused_light`` columns; ``now`` defaults to the current time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from yiwang.cases.errors import ApplicationNotFound, CaseNotFound  # noqa: F401
from yiwang.cases.models import Application, Case, CaseMaterial, RectificationTask
from yiwang.identity.models import User


@dataclass(frozen=True)
class CaseFilters:
    """Filters of an officer's queue; ``None`` means any.

    ``assignee``: ``"me"``, ``"unassigned"`` or a user id. ``light``:
    ``"red"``, ``"yellow"`` or ``"green"`` (open cases only). ``sort``:
    ``"due"`` (soonest first, no deadline last), ``"-due"``, ``"received"``,
    ``"-received"``. ``include_closed``: closed cases too (default open only).
    ``department``: a department id, to narrow to one of the officer's.
    """

    service_code: str | None = None
    step: str | None = None
    light: str | None = None
    assignee: str | int | None = None
    department: int | None = None
    include_closed: bool = False
    sort: str = "due"


@dataclass(frozen=True)
class QueueCounts:
    red: int
    yellow: int
    open: int


@dataclass(frozen=True)
class AllowedCommand:
    """A command the officer may issue now: ``name`` (workflow command), ``title``, the
    fields it requires (``{"reason": "text", "procedure": "choice"…}``) and choices."""

    name: str
    title: str
    requires: dict[str, str] = field(default_factory=dict)
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: str
    title: str
    department: str
    detail: str
    data: dict[str, Any]
    public: bool


@dataclass(frozen=True)
class NextStep:
    """What comes next for the applicant: a plain-words title and its due date (may be None)."""

    title: str
    due_at: datetime | None
    waiting_for_applicant: bool


@dataclass(frozen=True)
class CaseClock:
    """The statutory clock of a case at ``at`` (from the engine state).

    ``clock``: the name of the clock that matters now (acceptance, decision,
    delivery, service) or "" when none runs (closed). Working days are
    counted with the city's calendar; the start day is not counted.
    """

    at: datetime
    clock: str
    clock_title: str
    light: str  # green / yellow / red / "" (closed)
    started_at: datetime | None
    deadline: datetime | None
    warn_at: datetime | None
    paused: bool
    paused_mode: str  # "" / suspended / excluded
    elapsed_working_days: int
    remaining_working_days: int | None
    suspended_working_days: float
    excluded_working_days: float
    extensions: int
    extensions_allowed: int
    special_procedures: list[dict[str, Any]]
    suspensions: list[dict[str, Any]]


def case_list_for_officer(
    *, officer: User, filters: CaseFilters | None = None, now: datetime | None = None
) -> QuerySet[Case]:
    """The queue: cases of the departments where ``officer`` holds an officer role.

    Limited in the query (a subquery on RoleAssignment); select_related
    service_version, service_version__item, department, applicant,
    applicant__citizen, enterprise, assignee — so a page costs one query (plus
    one for the paginator's count). Annotated with ``light`` (green / yellow /
    red, "" for closed) computed in SQL at ``now``. An officer with no
    department role gets an empty queryset.
    """
    raise NotImplementedError


def case_queue_counts(*, officer: User, now: datetime | None = None) -> QueueCounts:
    """Red, yellow and open counts of the officer's queue, in one query."""
    raise NotImplementedError


def case_get_for_officer(*, officer: User, number: str) -> Case:
    """The case ``number`` for an officer of its department (select_related as the queue).

    Errors: CaseNotFound (404) for no such number; PermissionDenied (403)
    when ``officer`` holds no officer role in the case's department.
    Viewing a case shows personal data: callers (views, API) record it with
    ``audit_record(action="case.view")``.
    """
    raise NotImplementedError


def case_allowed_commands(*, case: Case, officer: User) -> list[AllowedCommand]:
    """The workflow commands ``officer``'s roles in the case's department allow at its step.

    From the definition and the instance's state (``workflow.available``);
    the extension is left out once used. Empty for a closed case or an
    officer of another department. Applicant commands are never listed.
    """
    raise NotImplementedError


def rectification_tasks_for_supervisor(
    *, supervisor: User, status: str | None = None
) -> QuerySet[RectificationTask]:
    """Rectification tasks of the departments where ``supervisor`` is a supervisor, by due."""
    raise NotImplementedError


def case_list_for_applicant(*, user: User) -> QuerySet[Case]:
    """ "My cases": the cases ``user`` applied for, newest first (select_related for the list)."""
    raise NotImplementedError


def case_get_for_applicant(*, user: User, number: str) -> Case:
    """The case ``number`` if ``user`` applied for it; otherwise CaseNotFound (404)."""
    raise NotImplementedError


def application_list_drafts(*, user: User) -> QuerySet[Application]:
    """The user's draft applications, most recently edited first."""
    raise NotImplementedError


def application_get_for_applicant(*, user: User, application_id: int) -> Application:
    """The application if it is ``user``'s (draft or submitted); else ApplicationNotFound (404)."""
    raise NotImplementedError


def case_timeline(case: Case, *, public_only: bool = True) -> list[TimelineItem]:
    """The timeline, oldest first, with translated titles and the department's name.

    ``public_only`` (default) leaves out internal entries (assignment); the
    officer's case page passes False. One query.
    """
    raise NotImplementedError


def case_clock(case: Case, at: datetime | None = None) -> CaseClock:
    """The clock at ``at``: elapsed and remaining working days, pauses, extension, light."""
    raise NotImplementedError


def case_light(case: Case, now: datetime | None = None) -> str:
    """green / yellow / red from the denormalised columns (same rule as the queue's SQL);
    "" for a closed case."""
    raise NotImplementedError


def case_status_label(case: Case) -> str:
    """The case's step in plain words for the applicant (translated)."""
    raise NotImplementedError


def case_next_step(case: Case) -> NextStep | None:
    """What comes next (for the tracker), or None for a closed case."""
    raise NotImplementedError


def case_materials(case: Case, *, include_superseded: bool = False) -> QuerySet[CaseMaterial]:
    """The case's uploads, by catalog order then upload time, with their catalog material."""
    raise NotImplementedError


def material_get_for_user(*, user: User, material_id: int) -> CaseMaterial:
    """An upload ``user`` may open: their own (applicant), or their department's case (officer).

    Errors: CaseNotFound (404) otherwise. Officers' views of a file are
    personal-data views: callers record ``audit_record(action="material.view")``.
    """
    raise NotImplementedError
