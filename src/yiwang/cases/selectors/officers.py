"""What officers see: their departments' queue and its counts, a case of theirs with the
commands they may issue on it, and supervisors' rectification tasks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connections, router
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.cases.errors import CaseNotFound
from yiwang.cases.models import Case, RectificationTask
from yiwang.cases.permissions import (
    APPLICANT_ROLE,
    is_officer_of,
    officer_department_ids,
    workflow_roles_in_department,
)
from yiwang.cases.selectors.lights import _open, _red, _yellow, light_expression
from yiwang.cases.services._common import definition_of
from yiwang.cases.texts import command_title
from yiwang.catalog.models import ServiceVersion
from yiwang.core.ids import parse_id
from yiwang.identity.models import Role, User
from yiwang.identity.selectors import roles_by_department
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


#: Queue counts stop at this many: an officer acts on "1,000+" as on 4,713, and counting
#: further would read every open case of the department on every page view.
QUEUE_COUNT_CAP = 1000


@dataclass(frozen=True)
class QueueCounts:
    """Red, yellow and open cases of a queue, each counted up to ``cap`` (``*_capped``: there
    are more; show "1,000+")."""

    red: int
    yellow: int
    open: int
    cap: int = QUEUE_COUNT_CAP
    #: The cases the queue's filters match (what :func:`case_queue_page` pages through),
    #: counted the same way; None unless :func:`case_queue_counts` was given the filters.
    matching: int | None = None

    @property
    def red_capped(self) -> bool:
        return self.red > self.cap

    @property
    def yellow_capped(self) -> bool:
        return self.yellow > self.cap

    @property
    def open_capped(self) -> bool:
        return self.open > self.cap


@dataclass(frozen=True)
class AllowedCommand:
    """A command the officer may issue now: ``name`` (workflow command), ``title``, the
    fields it requires (``{"reason": "text", "procedure": "choice"…}``) and choices."""

    name: str
    title: str
    requires: dict[str, str] = field(default_factory=dict)
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)


_OFFICER_RELATED = (
    "service_version",
    "service_version__item",
    "department",
    "applicant",
    "applicant__citizen",
    "enterprise",
    "assignee",
)

#: The people a queue row names, joined in its query, and the columns a row shows (HTML
#: and API): never the users' password hashes or anything else a row does not need.
_QUEUE_JOINED = ("department", "applicant", "applicant__citizen", "enterprise", "assignee")
QUEUE_COLUMNS = (
    "number",
    "step",
    "version",
    "received_at",
    "due_at",
    "warn_at",
    "due_provisional",
    "paused_light",
    "closed_at",
    "department_id",
    "applicant_id",
    "enterprise_id",
    "assignee_id",
    "service_version_id",
    "department__code",
    "department__name_zh",
    "department__name_en",
    "applicant__username",
    "applicant__display_name",
    "applicant__first_name",
    "applicant__last_name",
    "applicant__phone",
    "applicant__citizen__name",
    "applicant__citizen__resident_id",
    "applicant__citizen__phone",
    "enterprise__name",
    "enterprise__uscc",
    "assignee__username",
    "assignee__display_name",
    "assignee__first_name",
    "assignee__last_name",
)


def queue_row_columns(qs: QuerySet[Case]) -> QuerySet[Case]:
    """``qs`` reading what a queue row shows (:data:`QUEUE_COLUMNS`, the people joined)."""
    return qs.select_related(*_QUEUE_JOINED).only(*QUEUE_COLUMNS)


def _queue_prefetch() -> Prefetch[Any, Any, Any]:
    """The services (with their items) of a page's cases: one small query by the page's ids.
    Joined into the page's query instead, the eight-table join costs PostgreSQL more to plan
    (tens of ms at a million cases) than the whole page costs to read."""
    return Prefetch("service_version", queryset=queue_services())


def queue_services() -> QuerySet[ServiceVersion]:
    """What a queue row shows of its service: names and the item's code."""
    return ServiceVersion.objects.select_related("item").only(
        "name_zh", "name_en", "item_id", "item__code"
    )


def officer_department_id_list(officer: User) -> list[int]:
    """The ids of the active departments ``officer`` acts for, as a list (one query).

    Pass it as ``department_ids`` to :func:`case_list_for_officer` and
    :func:`case_queue_counts` in a request that calls both: the planner then
    sees literal ids (and estimates the department's rows from its
    statistics) instead of a subquery it guesses at one row. Within a request, the roles
    read once (``identity.selectors.roles_by_department``, the same rule).
    """
    return sorted(roles_by_department(officer))


def _departments(officer: User, department_ids: Sequence[int] | None) -> Any:
    return officer_department_ids(officer) if department_ids is None else list(department_ids)


def _sorted(qs: QuerySet[Case], sort: str) -> QuerySet[Case]:
    if sort == "-due":
        return qs.order_by(F("due_at").desc(nulls_last=True), "-id")
    if sort == "received":
        return qs.order_by("received_at", "id")
    if sort == "-received":
        return qs.order_by("-received_at", "-id")
    return qs.order_by(F("due_at").asc(nulls_last=True), "id")


def case_list_for_officer(
    *,
    officer: User,
    filters: CaseFilters | None = None,
    now: datetime | None = None,
    department_ids: Sequence[int] | None = None,
) -> QuerySet[Case]:
    """The queue: cases of the departments where ``officer`` holds an officer role.

    Limited in the query: ``department_ids``, the officer's departments already
    resolved (:func:`officer_department_id_list`, the same rule), else a
    subquery on RoleAssignment; select_related department, applicant,
    applicant__citizen, enterprise, assignee, reading only :data:`QUEUE_COLUMNS`,
    and the page's services (with their items) prefetched — so a page costs two
    queries (plus one for the paginator's count), whatever the size of the queue.
    Annotated with ``light`` (green / yellow / red, "" for closed) computed in
    SQL at ``now``. An officer with no department role gets an empty queryset.

    Open cases are read through the partial index ``cases_case_open_dept_due``
    (department, due date, id of the open cases): the default order is the
    index's, so a page reads its rows and no more (docs/performance.md).
    """
    now = now or timezone.now()
    f = filters or CaseFilters()
    qs = queue_matching(officer=officer, filters=f, now=now, department_ids=department_ids)
    qs = queue_row_columns(qs).prefetch_related(_queue_prefetch())
    return _sorted(qs.annotate(light=light_expression(now)), f.sort)


def queue_matching(
    *,
    officer: User,
    filters: CaseFilters,
    now: datetime,
    department_ids: Sequence[int] | None = None,
) -> QuerySet[Case]:
    """The cases of :func:`case_list_for_officer` (the same permission and filters), bare:
    no columns chosen, no order, no light; for reads that take only their ids (counts, the
    keyset pages)."""
    f = filters
    qs = Case.objects.filter(department_id__in=_departments(officer, department_ids))
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
        qs = qs.filter(assignee_id=parse_id(f.assignee))  # not an id: matches no case
    return qs


def case_queue_counts(
    *,
    officer: User,
    now: datetime | None = None,
    department_ids: Sequence[int] | None = None,
    cap: int = QUEUE_COUNT_CAP,
    filters: CaseFilters | None = None,
) -> QueueCounts:
    """Red, yellow and open counts of the officer's queue, each up to ``cap`` + 1 (one
    query; ``department_ids`` as for :func:`case_list_for_officer`); with ``filters``, in
    the same query, how many cases the filtered queue holds (:attr:`QueueCounts.matching`,
    what :func:`~.queue_pages.case_queue_count` counts; the open count itself when the
    filters narrow nothing).

    Each count is ``count(*)`` over a subquery limited to ``cap + 1`` rows, so PostgreSQL
    stops reading the partial index of open cases after that many: a department with
    100,000 open cases costs what one with 1,001 does (docs/performance.md, "Counts").
    A count above ``cap`` means "more than ``cap``" (:attr:`QueueCounts.open_capped`).
    """
    now = now or timezone.now()
    base = Case.objects.filter(_open(), department_id__in=_departments(officer, department_ids))
    parts = {
        "red": base.filter(_red(now)),
        "yellow": base.filter(_yellow(now)),
        "open": base,
    }
    narrowed = filters is not None and replace(filters, sort="due") != CaseFilters()
    if narrowed:
        assert filters is not None  # narrowed
        parts["matching"] = queue_matching(
            officer=officer, filters=filters, now=now, department_ids=department_ids
        )
    db = router.db_for_read(Case)
    connection = connections[db]
    selects, params = [], []
    for name, qs in parts.items():
        capped = qs.order_by().values("id")[: cap + 1]
        sql, part_params = capped.query.get_compiler(db).as_sql()
        # The SQL is Django's own, its values parameters; ``name`` is one of the keys above.
        selects.append(f"(SELECT count(*) FROM ({sql}) AS {name}_rows) AS {name}")  # noqa: S608
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        red, yellow, open_, *matching = cursor.fetchone()
    if filters is None:
        return QueueCounts(red=red, yellow=yellow, open=open_, cap=cap)
    return QueueCounts(
        red=red, yellow=yellow, open=open_, cap=cap, matching=matching[0] if narrowed else open_
    )


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
