"""The officer router, under ``/officer``: the department queue, the case page, one operation
per workflow command (``commands.COMMANDS``), claim and assignment."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from yiwang.cases import selectors, services
from yiwang.cases.api.commands import COMMANDS, CommandIn
from yiwang.cases.api.params import CASE_NUMBER
from yiwang.cases.api.schemas import (
    E400,
    E401,
    E403,
    E404,
    E409,
    E422,
    AssignIn,
    CaseNoticeOut,
    CaseStateOut,
    OfficerCaseOut,
    QueuePageOut,
    QueueQuery,
)
from yiwang.cases.api.shaping import (
    _assignee,
    _decision,
    _material,
    _notice,
    _person,
    _state,
    _supplements,
    _timeline,
)
from yiwang.cases.errors import CaseConflict, WorkflowConflict
from yiwang.cases.models import Case
from yiwang.core.apitypes import ApiError, ErrorOut, page_slice
from yiwang.core.dbrouting import replica_reads
from yiwang.core.ids import parse_id
from yiwang.identity.masking import mask_name
from yiwang.identity.models import User
from yiwang.integrations.auth import api_auth, user_of
from yiwang.integrations.models import Scope

officer_router = Router(
    tags=["officer"], auth=api_auth(read=Scope.CASES_READ, write=Scope.CASES_WRITE)
)


def _officer(request: HttpRequest) -> User:
    return _officer_departments(request)[0]


def _officer_departments(request: HttpRequest) -> tuple[User, list[int]]:
    """The officer and the departments they act for (403 when none), in one query."""
    user = user_of(request)
    department_ids = selectors.officer_department_id_list(user)
    if not department_ids:
        raise PermissionDenied("Only officers of a department may use this endpoint.")
    return user, department_ids


def _officer_case(request: HttpRequest, number: str) -> tuple[User, Case]:
    officer = _officer(request)
    return officer, selectors.case_get_for_officer(officer=officer, number=number)


@contextmanager
def _conflicts_carry_version(number: str, officer: User) -> Iterator[None]:
    """A 409 tells the caller the case's current version, so they can reload and retry."""
    try:
        yield
    except (CaseConflict, WorkflowConflict) as exc:
        if isinstance(exc, CaseConflict):
            current = selectors.case_get_for_officer(officer=officer, number=number)
            exc.current_version = current.version
        raise


@contextmanager
def _named_in_body(prefix: str) -> Iterator[None]:
    """Name a service's field errors (``reason``) as the body has them (``fields.reason``)."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({f"{prefix}.{k}": v for k, v in exc.error_dict.items()}) from exc


@officer_router.get(
    "/cases",
    response={200: QueuePageOut, **E400, **E401, **E403, **E422},
    summary="The queue of my departments' cases",
    description=(
        "Keyset pages: follow `next` and `previous` (pass one as `cursor`, with the same "
        "filters and sort); a cursor that was not issued for this sort, or is damaged, is "
        "refused with 400 (field `cursor`). `page` > 1 still answers (offset pages, "
        "deprecated: slower the deeper they go). Counts stop at `count_cap` / `counts.cap`."
    ),
)
@replica_reads
def officer_queue(request: HttpRequest, query: Query[QueueQuery]) -> Any:
    officer, department_ids = _officer_departments(request)
    assignee: str | int | None = query.assignee
    if assignee not in (None, "", "me", "unassigned"):
        assignee = parse_id(assignee)
        if assignee is None:
            raise ApiError(422, 'Use "me", "unassigned" or a user id.', field="assignee")
    filters = selectors.CaseFilters(
        service_code=query.service,
        step=query.step,
        light=query.light,
        assignee=assignee,
        include_closed=query.include_closed,
        sort=query.sort,
    )
    cap = selectors.QUEUE_COUNT_CAP
    # The filtered count with the light counts, in one statement.
    counts = selectors.case_queue_counts(
        officer=officer, filters=filters, cap=cap, department_ids=department_ids
    )
    count = counts.matching
    assert count is not None  # asked for: filters given
    pages, window = page_slice(
        min(count, cap), 1 if query.cursor else query.page, query.page_size, at_least=count > cap
    )
    if query.cursor or query.page == 1:
        page = selectors.case_queue_page(
            officer=officer,
            filters=filters,
            cursor=query.cursor,
            size=query.page_size,
            department_ids=department_ids,
        )
        rows, next_cursor, previous_cursor, page_number = page.rows, page.next, page.previous, 1
    else:  # deprecated offset pages, for clients written before cursors
        qs = selectors.case_list_for_officer(
            officer=officer, filters=filters, department_ids=department_ids
        )
        rows, next_cursor, previous_cursor = list(qs[window]), None, None
        page_number = query.page
    return {
        "count": count,
        "count_cap": cap,
        "page": page_number,
        "page_size": query.page_size,
        "pages": pages,
        "next": next_cursor,
        "previous": previous_cursor,
        "counts": {"red": counts.red, "yellow": counts.yellow, "open": counts.open, "cap": cap},
        "results": [
            {
                "number": c.number,
                "service_code": c.service_version.item.code,
                "service_name_zh": c.service_version.name_zh,
                "department_code": c.department.code,
                "applicant": mask_name(_person(c, masked=True)["name"]),
                "received_at": c.received_at,
                "due_at": c.due_at,
                "due_provisional": c.due_provisional,
                "light": getattr(c, "light", ""),
                "step": c.step,
                "assignee": _assignee(c),
                "version": c.version,
            }
            for c in rows
        ],
    }


@officer_router.get(
    "/cases/{number}",
    response={200: OfficerCaseOut, **E401, **E403, **E404},
    summary="A case of my department: answers, materials, clock, timeline, allowed commands",
    description=(
        "Officers who process the case (intake clerk, reviewer, approver, handler) see the "
        "applicant's personal data in full, and the view is written to the audit log; "
        "others (a supervisor) see it masked and no form answers."
    ),
)
def officer_case_detail(request: HttpRequest, number: str = CASE_NUMBER) -> Any:
    officer, case = _officer_case(request, number)
    full = selectors.case_personal_data_full(user=officer, case=case)
    if full:
        services.case_personal_data_view_record(actor=officer, case=case)
    clock = selectors.case_clock(case)
    return {
        **_state(case, officer),
        "service_code": case.service_version.item.code,
        "service_name_zh": case.service_version.name_zh,
        "department_code": case.department.code,
        "received_at": case.received_at,
        "applicant": _person(case, masked=not full),
        "form_data": case.application.form_data if full else None,
        "materials": [_material(m, masked=not full) for m in selectors.case_materials(case)],
        "clock": clock.__dict__,
        "timeline": _timeline(case, public_only=False),
        "supplements": _supplements(case),
        "review": _review(case),
        "decision": _decision(case),
        "certificate_number": case.certificate_number or None,
    }


def _review(case: Case) -> dict[str, Any] | None:
    opinion = selectors.case_review_opinion(case)
    if opinion is None:
        return None
    return {k: getattr(opinion, k) for k in ("at", "outcome", "opinion", "reviewer")}


def _run_command(request: HttpRequest, number: str, command: str, payload: Any) -> Any:
    officer, case = _officer_case(request, number)
    with _conflicts_carry_version(number, officer), _named_in_body("fields"):
        services.case_command(
            case=case,
            actor=officer,
            command=command,
            fields=payload.fields.model_dump(),
            expected_version=payload.expected_version,
        )
    return _state(selectors.case_get_for_officer(officer=officer, number=number), officer)


def _command_endpoint(command: str, body: type[CommandIn]) -> Callable[..., Any]:
    def endpoint(request: HttpRequest, payload: CommandIn, number: str = CASE_NUMBER) -> Any:
        return _run_command(request, number, command, payload)

    # ninja reads the request schema from the annotation: this command's own.
    endpoint.__annotations__ = {**endpoint.__annotations__, "payload": body}
    endpoint.__name__ = endpoint.__qualname__ = f"officer_command_{command}"
    return endpoint


def _register_commands() -> None:
    for command, (body, summary) in COMMANDS.items():
        officer_router.post(
            f"/cases/{{number}}/commands/{command}",
            response={200: CaseStateOut, **E401, **E403, **E404, **E409, **E422},
            summary=summary,
            description=(
                "`expected_version` is the case version you saw: if someone acted meanwhile "
                "the answer is 409 with `current_version`. `fields` are this command's fields "
                "(the case's `allowed_commands[].fields` lists them); a field it does not "
                "take, or a value of the wrong type, is 422 naming it (`fields.reason`)."
            ),
        )(_command_endpoint(command, body))


_register_commands()


@officer_router.post(
    "/cases/{number}/commands/{command}", response={404: ErrorOut}, include_in_schema=False
)
def officer_command_unknown(request: HttpRequest, number: str, command: str) -> Any:
    raise ApiError(
        404,
        _("No such command: %(command)s. Commands: %(commands)s.")
        % {"command": command, "commands": ", ".join(COMMANDS)},
        field="command",
    )


@officer_router.post(
    "/cases/{number}/claim",
    response={200: CaseStateOut, **E401, **E403, **E404, **E409},
    summary="Take an unassigned case (认领)",
)
def officer_claim(request: HttpRequest, number: str = CASE_NUMBER) -> Any:
    officer, case = _officer_case(request, number)
    with _conflicts_carry_version(number, officer):
        services.case_claim(case=case, officer=officer)
    return _state(selectors.case_get_for_officer(officer=officer, number=number), officer)


@officer_router.post(
    "/cases/{number}/assign",
    response={200: CaseStateOut, **E401, **E403, **E404, **E409, **E422},
    summary="Assign (supervisor) or, with a reason, reassign (转办) a case",
)
def officer_assign(request: HttpRequest, payload: AssignIn, number: str = CASE_NUMBER) -> Any:
    officer, case = _officer_case(request, number)
    assignee = User.objects.filter(pk=payload.assignee_id, is_active=True).first()
    if assignee is None:
        raise ApiError(422, "No such active user.", field="assignee_id")
    with _conflicts_carry_version(number, officer):
        if payload.reason.strip():
            services.case_reassign(
                case=case, actor=officer, assignee=assignee, reason=payload.reason
            )
        else:
            services.case_assign(case=case, supervisor=officer, assignee=assignee)
    return _state(selectors.case_get_for_officer(officer=officer, number=number), officer)


@officer_router.get(
    "/cases/{number}/documents",
    response={200: list[CaseNoticeOut], **E401, **E403, **E404},
    summary="The notices issued on a case of my department (受理通知书, 一次性告知书, 决定书)",
    description="Only for officers who see the case's personal data in full (403 otherwise).",
)
def officer_case_documents(request: HttpRequest, number: str = CASE_NUMBER) -> Any:
    officer, case = _officer_case(request, number)
    if not selectors.case_personal_data_full(user=officer, case=case):
        raise PermissionDenied(
            _("Your role sees this case's personal data masked: its documents are not shown.")
        )
    return [_notice(n) for n in selectors.case_notices(case)]
