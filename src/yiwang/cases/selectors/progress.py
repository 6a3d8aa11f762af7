"""A case's progress, for either side: its timeline, its statutory clock, its step in plain
words and what comes next."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy

from yiwang.cases.models import Case, CaseTimelineEntry
from yiwang.cases.permissions import APPLICANT_ROLE
from yiwang.cases.selectors.lights import case_light
from yiwang.cases.services._common import definition_of, main_clock
from yiwang.cases.texts import (
    APPLICANT_STEPS,
    NEXT_STEPS,
    REVIEW_OUTCOMES,
    SITE_INSPECTION_KIND,
    SITE_INSPECTION_TITLE,
    STEPPER_KINDS,
    STEPPER_TITLES,
    clock_title,
    step_label,
    timeline_title,
)
from yiwang.core.calendar import load_calendar
from yiwang.identity import masking
from yiwang.identity.models import Department, User
from yiwang.workflow import State
from yiwang.workflow.milestones import main_path, path_state

#: The clock's name when the promised limit is 0 working days.
ON_THE_SPOT = gettext_lazy("On the spot (即办): completed the same working day")


#: What the applicant does on a case (submit, supplement, withdraw, rate, rate the reply):
#: credited to the applicant, never to the department, even on entries written before the
#: timeline recorded its actor.
APPLICANT_KINDS = frozenset(
    {"submitted", "supplement_answered", "withdrawn", "rated", "rectification_followed_up"}
)

#: How the applicant reads their own actions on their tracker.
YOU = gettext_lazy("You")


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: str
    title: str
    department: str
    detail: str
    data: dict[str, Any]
    public: bool
    by: str = ""  # who did it, as this audience may know them (see case_timeline)
    by_applicant: bool = False


@dataclass(frozen=True)
class NextStep:
    """What comes next for the applicant: a plain-words title and its due date (may be None)."""

    title: str
    due_at: datetime | None
    due_provisional: bool  # the due date counts through a year without a published schedule
    waiting_for_applicant: bool
    on_the_spot: bool = False  # 即办: promised the same working day


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
    on_the_spot: bool = False  # a clock of 0 working days (即办): due the same working day


def _department_name(department: Department | None) -> str:
    if department is None:
        return ""
    zh = (get_language() or "zh").lower().startswith("zh")
    return department.name_zh if zh or not department.name_en else department.name_en


def applicant_person_name(user: User) -> str:
    """The applicant's name in full: the verified citizen's name, else the account's."""
    try:
        citizen = user.citizen
    except ObjectDoesNotExist:
        citizen = None
    return (citizen.name if citizen else "") or user.display_name or user.username


def case_applicant_label(case: Case) -> str:
    """How officers name the applicant in lists and on the timeline: the enterprise's name,
    else the citizen's name masked (张**); the full details are on the case page for those
    who may see them (``case_personal_data_full``)."""
    if case.enterprise_id is not None and case.enterprise is not None:
        return case.enterprise.name
    return masking.mask_name(applicant_person_name(case.applicant))


def _officer_name(user: User) -> str:
    return user.display_name or user.get_full_name() or user.username


def case_timeline(
    case: Case,
    *,
    public_only: bool = True,
    entries: list[CaseTimelineEntry] | None = None,
) -> list[TimelineItem]:
    """The timeline, oldest first, with translated titles, the department's name and who did
    each step (``by``), as the audience may know them.

    ``public_only`` (default) is the applicant's view: internal entries (assignment) are
    left out, their own actions read "You" (您) and everything else the department's
    name: never an officer's name. The officer's case page passes False: every entry,
    the applicant's actions credited to the applicant (masked, ``case_applicant_label``),
    the officers' to the officer by name, what the clock did by itself to the department.
    One query (two for officers: the applicant); none when the caller passes the case's
    ``entries`` it has just written (with their departments), such as a submission.
    """
    if entries is None:
        rows = CaseTimelineEntry.objects.filter(case_id=case.pk).select_related(
            "department", *([] if public_only else ["actor"])
        )
        if public_only:
            rows = rows.filter(public=True)
        entries = list(rows.order_by("at", "id"))
    else:
        entries = sorted(
            (e for e in entries if e.public or not public_only), key=lambda e: (e.at, e.pk)
        )
    applicant = str(YOU) if public_only else None
    items = []
    for e in entries:
        department = _department_name(e.department)
        by_applicant = e.kind in APPLICANT_KINDS
        if by_applicant:
            applicant = applicant or case_applicant_label(case)
            by = applicant
        elif not public_only and e.actor_id is not None and e.actor is not None:
            by = _officer_name(e.actor)
        else:
            by = department
        items.append(
            TimelineItem(
                at=e.at,
                kind=e.kind,
                title=timeline_title(e.kind),
                department=department,
                detail=e.detail,
                data=e.data,
                public=e.public,
                by=by,
                by_applicant=by_applicant,
            )
        )
    return items


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
    on_the_spot = cdef is not None and cdef.unit == "working_days" and cdef.limit == 0
    return CaseClock(
        at=at,
        clock=clock.name,
        clock_title=str(ON_THE_SPOT) if on_the_spot else clock_title(clock.name),
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
        on_the_spot=on_the_spot,
    )


def _periods(entries: list[CaseTimelineEntry], begin: str, end: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for e in entries:
        if e.kind == begin:
            out.append({"started_at": e.at, "ended_at": None, "detail": e.detail, **e.data})
        elif e.kind == end and out and out[-1]["ended_at"] is None:
            out[-1]["ended_at"] = e.at
    return out


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
        on_the_spot=case.service_version.on_the_spot,
    )


@dataclass(frozen=True)
class ReviewOpinion:
    """The reviewer's opinion (审查意见) the approver decides on."""

    at: datetime
    outcome: str  # approve / deny: the proposed outcome
    outcome_label: str
    opinion: str
    reviewer: str


def case_review_opinion(case: Case) -> ReviewOpinion | None:
    """The latest review opinion of the case (for its officers: it is internal), or None when
    none was recorded. One query."""
    entry = (
        CaseTimelineEntry.objects.filter(case_id=case.pk, kind="reviewed")
        .order_by("-at", "-id")
        .first()
    )
    if entry is None:
        return None
    outcome = str(entry.data.get("outcome") or "")
    return ReviewOpinion(
        at=entry.at,
        outcome=outcome,
        outcome_label=str(REVIEW_OUTCOMES.get(outcome, outcome)),
        opinion=entry.detail,
        reviewer=str(entry.data.get("reviewer") or ""),
    )


def case_applicant_may_withdraw(case: Case) -> bool:
    """Whether the workflow lets the applicant withdraw the case at its step (撤回): before a
    decision only. The service (``case_withdraw``) is what enforces it; this is for the
    tracker's button."""
    if case.closed_at is not None:
        return False
    definition = definition_of(case.workflow_instance)
    here = definition.table.get((case.step, "withdraw"))
    return here is not None and APPLICANT_ROLE in here.roles


@dataclass(frozen=True)
class Step:
    """One step of the tracker's stepper (受理 → 审查 → 决定 → 送达 → 办结).

    ``status``: done (``at`` is when), current (the department works on it; due by
    ``due_at``) or ahead (due by ``due_at``, the latest the case's limits allow);
    ``due_at`` is None while the clock is paused or when no limit applies.
    """

    title: str
    status: str  # done / current / ahead
    at: datetime | None = None
    due_at: datetime | None = None
    due_provisional: bool = False
    on_the_spot: bool = False  # 即办: the completion is promised the same working day
    waiting_for_applicant: bool = False  # the current step waits for the applicant (补正)


def _step_title(index: int, state: str, command: str | None) -> str:
    """The step's name: "Application received" for the first, else by the command that
    reaches it, else by the state (a fork's join is reached by the departments' opinions,
    not by one command)."""
    title = STEPPER_TITLES[""] if index == 0 else STEPPER_TITLES.get(command or "-")
    return str(title) if title is not None else step_label(state)


def case_steps(case: Case) -> list[Step]:
    """The stepper: every step of the case's workflow from receipt to completion, derived
    from its definition (``workflow.milestones.main_path``), the done ones with their dates,
    the current one and the ones ahead with their due dates.

    The dates ahead come from the case's clocks: a step reached from a state where the
    case's running clock counts is due by its deadline (the promised decision date, marked
    provisional when it is); a step behind a clock that has not started yet (the delivery
    of the certificate) is due that clock's limit after the step before it; a step behind
    no clock keeps the date before it. A 即办 service promises its completion the same
    working day. A case that ended off the path (not accepted, denied, withdrawn) shows
    the steps it passed and how it ended. Where the catalog says the site is inspected
    (现场核查), that step comes before the review (:func:`_with_site_inspection`). Two
    queries.
    """
    instance = case.workflow_instance
    definition = definition_of(instance)
    path = main_path(definition)
    kinds = {STEPPER_KINDS.get(m.command or "", "") for m in path} - {""}
    kinds.add(SITE_INSPECTION_KIND)
    dated: dict[str, datetime] = {}
    for kind, at in (
        CaseTimelineEntry.objects.filter(case_id=case.pk, kind__in=kinds)
        .order_by("at", "id")
        .values_list("kind", "at")
    ):
        dated[kind] = at  # the latest: a step done again (after a return) counts then

    def done_at(index: int) -> datetime | None:
        if index == 0:
            return case.received_at
        return dated.get(STEPPER_KINDS.get(path[index].command or "", ""))

    here = path_state(definition, path, case.step)
    if here is None:  # ended off the path: the steps passed, then how it ended
        steps = [
            Step(_step_title(i, m.state, m.command), "done", at=done_at(i))
            for i, m in enumerate(path)
            if i == 0 or done_at(i) is not None
        ]
        steps.append(Step(step_label(case.step), "done", at=case.closed_at))
        return steps
    position = [m.state for m in path].index(here)
    on_the_spot = case.service_version.on_the_spot
    steps = [
        Step(_step_title(i, m.state, m.command), "done", at=done_at(i))
        for i, m in enumerate(path[: position + 1])
    ]
    if case.closed_at is not None:
        return _with_site_inspection(case, path, steps, dated.get(SITE_INSPECTION_KIND))
    state = State.from_json(instance.state)
    running = main_clock(state)
    paused = case.step in APPLICANT_STEPS or bool(case.paused_light) or running is None
    known: dict[str, tuple[datetime, bool]] = {}
    if running is not None and case.due_at is not None:
        known[running.name] = (case.due_at, case.due_provisional)
    calendar = load_calendar()
    due: tuple[datetime, bool] | None = None
    for i in range(position + 1, len(path)):
        before = definition.states[path[i - 1].state]
        clock = next((c for c, mode in before.clocks.items() if mode == "runs"), None)
        if paused:
            due = None
        elif clock is not None and clock in known:
            due = known[clock]
        elif clock is not None and due is not None:
            cdef = definition.clocks.get(clock)
            if cdef is not None and cdef.unit == "working_days":
                end, provisional = calendar.deadline_marked(due[0], int(cdef.limit))
                due = known[clock] = (end, provisional or due[1])
        m = path[i]
        steps.append(
            Step(
                _step_title(i, m.state, m.command),
                "current" if i == position + 1 else "ahead",
                due_at=due[0] if due else None,
                due_provisional=bool(due and due[1]),
                on_the_spot=on_the_spot and definition.states[m.state].final,
                waiting_for_applicant=i == position + 1 and case.step in APPLICANT_STEPS,
            )
        )
    return _with_site_inspection(case, path, steps, dated.get(SITE_INSPECTION_KIND))


def _with_site_inspection(
    case: Case, path: list[Any], steps: list[Step], inspected_at: datetime | None
) -> list[Step]:
    """``steps`` (aligned with ``path``) with the site inspection before the review when the
    case's service has one: done when recorded; else the department's current step while
    the review waits for it, or a step ahead, due when the review is."""
    if not case.service_version.has_site_inspection:
        return steps
    review = next((i for i, m in enumerate(path) if m.command == "review"), None)
    if review is None or review >= len(steps):
        return steps
    before = steps[review]
    title = str(SITE_INSPECTION_TITLE)
    if inspected_at is not None:
        inspection = Step(title, "done", at=inspected_at)
    elif before.status == "done":  # reviewed before inspections were recorded
        return steps
    else:
        inspection = replace(before, title=title)
        if before.status == "current":
            # the inspection is what the department (or the applicant) is at; the review
            # only follows it
            ahead = replace(before, status="ahead", waiting_for_applicant=False)
            steps = [*steps[:review], ahead, *steps[review + 1 :]]
    return [*steps[:review], inspection, *steps[review:]]
