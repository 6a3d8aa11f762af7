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
they applied for themselves (as a citizen, or as the agent who filed
for an enterprise). Getters raise :class:`CaseNotFound` (404) for a case the user may not
see as an applicant, and ``PermissionDenied`` (403) for an officer of another
department. Lights are computed in SQL from the denormalised ``due_at`` /
``warn_at`` / ``paused_light`` columns; ``now`` defaults to the current time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case as SqlCase
from django.db.models import CharField, Count, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from yiwang.cases.errors import ApplicationNotFound, CaseNotFound
from yiwang.cases.models import (
    Application,
    Case,
    CaseMaterial,
    CaseTimelineEntry,
    RectificationTask,
)
from yiwang.cases.permissions import (
    APPLICANT_ROLE,
    is_officer_of,
    officer_department_ids,
    workflow_roles_in_department,
)
from yiwang.cases.services._common import definition_of, main_clock
from yiwang.cases.texts import (
    APPLICANT_STEPS,
    NEXT_STEPS,
    command_title,
    step_label,
    timeline_title,
)
from yiwang.core.calendar import load_calendar
from yiwang.identity.models import Department, Role, User
from yiwang.workflow import State, available


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
    due_provisional: bool  # the due date counts through a year without a published schedule
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
    provisional: bool  # the deadline counts through a year without a published schedule
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


_OFFICER_RELATED = (
    "service_version",
    "service_version__item",
    "department",
    "applicant",
    "applicant__citizen",
    "enterprise",
    "assignee",
)


def _open() -> Q:
    return Q(closed_at__isnull=True)


def _red(now: datetime) -> Q:
    return _open() & (Q(paused_light="red") | Q(paused_light="", due_at__lt=now))


def _yellow(now: datetime) -> Q:
    return _open() & (
        Q(paused_light="yellow") | Q(paused_light="", warn_at__lte=now, due_at__gte=now)
    )


def light_expression(now: datetime) -> SqlCase:
    """The deadline light as an SQL expression: "red", "yellow", "green", "" when closed."""
    return SqlCase(
        When(closed_at__isnull=False, then=Value("")),
        When(_red(now), then=Value("red")),
        When(_yellow(now), then=Value("yellow")),
        default=Value("green"),
        output_field=CharField(),
    )


def _sorted(qs: QuerySet[Case], sort: str) -> QuerySet[Case]:
    if sort == "-due":
        return qs.order_by(F("due_at").desc(nulls_last=True), "-id")
    if sort == "received":
        return qs.order_by("received_at", "id")
    if sort == "-received":
        return qs.order_by("-received_at", "-id")
    return qs.order_by(F("due_at").asc(nulls_last=True), "id")


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
    now = now or timezone.now()
    f = filters or CaseFilters()
    qs = Case.objects.filter(department_id__in=officer_department_ids(officer))
    if not f.include_closed:
        qs = qs.filter(_open())
    if f.department is not None:
        qs = qs.filter(department_id=f.department)
    if f.service_code:
        qs = qs.filter(service_version__item__code=f.service_code)
    if f.step:
        qs = qs.filter(step=f.step)
    if f.light == "red":
        qs = qs.filter(_red(now))
    elif f.light == "yellow":
        qs = qs.filter(_yellow(now))
    elif f.light == "green":
        qs = qs.filter(_open()).exclude(_red(now)).exclude(_yellow(now))
    if f.assignee == "me":
        qs = qs.filter(assignee_id=officer.pk)
    elif f.assignee == "unassigned":
        qs = qs.filter(assignee__isnull=True)
    elif f.assignee not in (None, ""):
        qs = qs.filter(assignee_id=int(f.assignee))
    qs = qs.select_related(*_OFFICER_RELATED).annotate(light=light_expression(now))
    return _sorted(qs, f.sort)


def case_queue_counts(*, officer: User, now: datetime | None = None) -> QueueCounts:
    """Red, yellow and open counts of the officer's queue, in one query."""
    now = now or timezone.now()
    counts = Case.objects.filter(
        _open(), department_id__in=officer_department_ids(officer)
    ).aggregate(
        red=Count("id", filter=_red(now)),
        yellow=Count("id", filter=_yellow(now)),
        open=Count("id"),
    )
    return QueueCounts(red=counts["red"], yellow=counts["yellow"], open=counts["open"])


def case_get_for_officer(*, officer: User, number: str) -> Case:
    """The case ``number`` for an officer of its department (select_related as the queue).

    Errors: CaseNotFound (404) for no such number; PermissionDenied (403)
    when ``officer`` holds no officer role in the case's department.
    How much of the personal data the officer sees is :func:`case_personal_data_full`;
    callers (views, API) record a full view with
    ``services.case_personal_data_view_record``.
    """
    case = (
        Case.objects.select_related(*_OFFICER_RELATED, "workflow_instance", "application")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise CaseNotFound(_("No such case."))
    if not is_officer_of(officer, case.department_id):
        raise PermissionDenied(_("You do not act for the department of this case."))
    return case


def case_allowed_commands(*, case: Case, officer: User) -> list[AllowedCommand]:
    """The workflow commands ``officer``'s roles in the case's department allow at its step.

    From the definition and the instance's state (``workflow.available``);
    the extension is left out once used. Empty for a closed case or an
    officer of another department. Applicant commands are never listed.
    """
    if case.closed_at is not None:
        return []
    roles = workflow_roles_in_department(officer, case.department_id) - {APPLICANT_ROLE}
    if not roles:
        return []
    instance = case.workflow_instance
    definition = definition_of(instance)
    state = State.from_json(instance.state)
    out: dict[str, AllowedCommand] = {}
    for transition, _branch in available(definition, state):
        if transition.command in out or not transition.roles & roles:
            continue
        if transition.extends is not None:
            clock = state.clock(transition.extends)
            limit = definition.clocks[transition.extends].max_extensions
            if clock is None or clock.extensions >= limit:
                continue
        out[transition.command] = AllowedCommand(
            name=transition.command,
            title=command_title(transition.command),
            requires={spec.name: spec.kind for spec in transition.requires},
            choices={spec.name: spec.options for spec in transition.requires if spec.options},
        )
    return list(out.values())


def rectification_tasks_for_supervisor(
    *, supervisor: User, status: str | None = None
) -> QuerySet[RectificationTask]:
    """Rectification tasks of the departments where ``supervisor`` is a supervisor, by due."""
    qs = RectificationTask.objects.filter(
        department_id__in=officer_department_ids(supervisor, frozenset({Role.SUPERVISOR}))
    ).select_related("rating__case__service_version", "department")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("due_at", "id")


def case_list_for_applicant(*, user: User) -> QuerySet[Case]:
    """ "My cases": the cases ``user`` applied for, newest first (select_related for the list)."""
    if not (user.is_authenticated and user.is_active):
        return Case.objects.none()
    return (
        Case.objects.filter(applicant_id=user.pk)
        .select_related("service_version", "department", "enterprise")
        .annotate(light=light_expression(timezone.now()))
        .order_by("-received_at", "-id")
    )


def case_get_for_applicant(*, user: User, number: str) -> Case:
    """The case ``number`` if ``user`` applied for it; otherwise CaseNotFound (404)."""
    case = (
        case_list_for_applicant(user=user)
        .select_related("service_version__item", "workflow_instance", "application")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise CaseNotFound(_("No such case."))
    return case


def application_list_drafts(*, user: User) -> QuerySet[Application]:
    """The user's draft applications, most recently edited first."""
    return (
        Application.objects.filter(applicant_id=user.pk, status=Application.Status.DRAFT)
        .select_related("service_version__item", "enterprise")
        .order_by("-updated_at", "-id")
    )


def application_get_for_applicant(*, user: User, application_id: int) -> Application:
    """The application if it is ``user``'s (draft or submitted); else ApplicationNotFound (404)."""
    application = (
        Application.objects.filter(pk=application_id, applicant_id=user.pk)
        .select_related("service_version__item__department", "enterprise")
        .first()
    )
    if application is None or not user.is_active:
        raise ApplicationNotFound(_("No such application."))
    return application


def _department_name(department: Department | None) -> str:
    if department is None:
        return ""
    zh = (get_language() or "zh").lower().startswith("zh")
    return department.name_zh if zh or not department.name_en else department.name_en


def case_timeline(case: Case, *, public_only: bool = True) -> list[TimelineItem]:
    """The timeline, oldest first, with translated titles and the department's name.

    ``public_only`` (default) leaves out internal entries (assignment); the
    officer's case page passes False. One query.
    """
    entries = CaseTimelineEntry.objects.filter(case_id=case.pk).select_related("department")
    if public_only:
        entries = entries.filter(public=True)
    return [
        TimelineItem(
            at=e.at,
            kind=e.kind,
            title=timeline_title(e.kind),
            department=_department_name(e.department),
            detail=e.detail,
            data=e.data,
            public=e.public,
        )
        for e in entries.order_by("at", "id")
    ]


def case_clock(case: Case, at: datetime | None = None) -> CaseClock:
    """The clock at ``at``: elapsed and remaining working days, pauses, extension, light."""
    at = at or timezone.now()
    instance = case.workflow_instance
    definition = definition_of(instance)
    state = State.from_json(instance.state)
    entries = list(
        CaseTimelineEntry.objects.filter(
            case_id=case.pk,
            kind__in=[
                "special_procedure_started",
                "special_procedure_finished",
                "supplement_requested",
                "supplement_answered",
            ],
        ).order_by("at", "id")
    )
    procedures = _periods(entries, "special_procedure_started", "special_procedure_finished")
    suspensions = _periods(entries, "supplement_requested", "supplement_answered")
    clock = main_clock(state) if case.closed_at is None else None
    light = case_light(case, at)
    if clock is None:
        return CaseClock(
            at=at, clock="", clock_title="", light=light, started_at=None, deadline=None,
            warn_at=None, provisional=False, paused=False, paused_mode="", elapsed_working_days=0,
            remaining_working_days=None, suspended_working_days=0, excluded_working_days=0,
            extensions=0, extensions_allowed=0, special_procedures=procedures,
            suspensions=suspensions,
        )  # fmt: skip
    calendar = load_calendar()
    cdef = definition.clocks.get(clock.name)
    moment = clock.paused_at if clock.paused_at is not None and at > clock.paused_at else at
    start_day = calendar.local_date(clock.started_at)
    now_day = calendar.local_date(moment)
    paused_total = clock.suspended + clock.excluded
    elapsed = max(0, calendar.working_days_between(start_day, now_day) - int(paused_total))
    remaining = calendar.working_days_between(now_day, calendar.local_date(clock.deadline))
    return CaseClock(
        at=at,
        clock=clock.name,
        clock_title=cdef.title if cdef else clock.name,
        light=light,
        started_at=clock.started_at,
        deadline=clock.deadline,
        warn_at=clock.warn_at,
        provisional=clock.provisional,
        paused=not clock.running,
        paused_mode="" if clock.running else clock.mode,
        elapsed_working_days=elapsed,
        remaining_working_days=remaining,
        suspended_working_days=clock.suspended,
        excluded_working_days=clock.excluded,
        extensions=clock.extensions,
        extensions_allowed=cdef.max_extensions if cdef else 0,
        special_procedures=procedures,
        suspensions=suspensions,
    )


def _periods(entries: list[CaseTimelineEntry], begin: str, end: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for e in entries:
        if e.kind == begin:
            out.append({"started_at": e.at, "ended_at": None, "detail": e.detail, **e.data})
        elif e.kind == end and out and out[-1]["ended_at"] is None:
            out[-1]["ended_at"] = e.at
    return out


def case_light(case: Case, now: datetime | None = None) -> str:
    """green / yellow / red from the denormalised columns (same rule as the queue's SQL);
    "" for a closed case."""
    now = now or timezone.now()
    if case.closed_at is not None:
        return ""
    if case.paused_light:
        return case.paused_light
    if case.due_at is not None and case.due_at < now:
        return "red"
    if case.warn_at is not None and case.warn_at <= now:
        return "yellow"
    return "green"


def case_status_label(case: Case) -> str:
    """The case's step in plain words for the applicant (translated)."""
    return step_label(case.step)


def case_next_step(case: Case) -> NextStep | None:
    """What comes next (for the tracker), or None for a closed case."""
    if case.closed_at is not None:
        return None
    waiting = case.step in APPLICANT_STEPS
    title = NEXT_STEPS.get(case.step)
    due_at = None if waiting or case.paused_light else case.due_at
    return NextStep(
        title=str(title) if title is not None else step_label(case.step),
        due_at=due_at,
        due_provisional=due_at is not None and case.due_provisional,
        waiting_for_applicant=waiting,
    )


def case_materials(case: Case, *, include_superseded: bool = False) -> QuerySet[CaseMaterial]:
    """The case's uploads, by catalog order then upload time, with their catalog material."""
    qs = CaseMaterial.objects.filter(application_id=case.application_id).select_related(
        "material", "supplement_request"
    )
    if not include_superseded:
        qs = qs.filter(superseded=False)
    return qs.order_by(F("material__order").asc(nulls_last=True), "uploaded_at", "id")


def case_personal_data_full(*, user: User, case: Case) -> bool:
    """Whether ``user`` sees the applicant's personal data in full (脱敏 otherwise): the one
    decision for the fields, the form answers and the uploaded files, on every page and in
    the API.

    In full: the applicant, and the officers who process the case — those holding a
    workflow role (intake clerk, reviewer, approver, handler) in its (active) department.
    Masked: other officers of the department (a supervisor watches deadlines and ratings,
    not the person), who also may not open the files.
    """
    if case.applicant_id == user.pk and user.is_active:
        return True
    return bool(workflow_roles_in_department(user, case.department_id))


def material_get_for_user(*, user: User, material_id: int) -> CaseMaterial:
    """An upload ``user`` may open: their own (applicant), or a case's of their department
    when they see its personal data in full (:func:`case_personal_data_full`).

    Errors: CaseNotFound (404) for anyone else; PermissionDenied (403) for an
    officer of the department who sees the case masked. Officers' views of a
    file are personal-data views: callers record ``services.material_view_record``.
    """
    row = (
        CaseMaterial.objects.select_related("application", "case", "material")
        .filter(pk=material_id)
        .first()
    )
    if row is None or not (user.is_authenticated and user.is_active):
        raise CaseNotFound(_("No such document."))
    if row.application.applicant_id == user.pk:
        return row
    if row.case is not None and is_officer_of(user, row.case.department_id):
        if not case_personal_data_full(user=user, case=row.case):
            raise PermissionDenied(
                _("Your role sees this case's personal data masked: its documents are not shown.")
            )
        return row
    raise CaseNotFound(_("No such document."))
