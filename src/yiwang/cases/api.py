"""The cases REST API: applicants apply and follow their cases; officers work the queue.

Two routers, both behind ``yiwang.integrations.auth`` (session or bearer token):

- ``applicant_router`` (reads: ``cases:read``; writes: ``applications:write``):
  drafts, uploads, the idempotent submit, "my cases", supplements, rating;
- ``officer_router`` under ``/officer`` (reads: ``cases:read``; writes:
  ``cases:write``): the department queue, the case page, workflow commands,
  claim and assignment.

Handlers parse, call one service or selector and shape the answer; what may
be seen or done is decided by ``yiwang.cases.selectors`` and ``services``,
and their typed errors become HTTP codes in ``yiwang.api.errors``.

Every input is typed and bounded in its schema (strings by the column they
fill, integers by ``INT_MAX``), and each officer command has its own
operation and request schema (``COMMANDS``), so wrongly typed fields are a
422 before the workflow engine runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Header, Path, Query, Router, Schema, Status, UploadedFile
from pydantic import ConfigDict

from yiwang.cases import selectors, services
from yiwang.cases.downloads import material_response
from yiwang.cases.errors import CaseConflict, WorkflowConflict
from yiwang.cases.models import Application, Case, CaseMaterial
from yiwang.cases.permissions import officer_department_ids
from yiwang.core.apitypes import INT_MAX, ApiError, ErrorOut
from yiwang.identity.masking import mask_name, mask_phone, mask_resident_id, mask_uscc
from yiwang.identity.models import User
from yiwang.identity.selectors import enterprises_for_user
from yiwang.identity.validators import normalize_uscc
from yiwang.integrations.auth import api_auth, user_of
from yiwang.integrations.models import Scope

applicant_router = Router(
    tags=["applications"],
    auth=api_auth(read=Scope.CASES_READ, write=Scope.APPLICATIONS_WRITE),
)
officer_router = Router(
    tags=["officer"], auth=api_auth(read=Scope.CASES_READ, write=Scope.CASES_WRITE)
)

E401 = {401: ErrorOut}
E403 = {403: ErrorOut}
E404 = {404: ErrorOut}
E409 = {409: ErrorOut}
E422 = {422: ErrorOut}

#: Longest free text an applicant or officer writes (a reason, a note, a legal basis).
TEXT_MAX = 2000
#: A case number in a path (as long as ``Case.number`` holds).
NUMBER_MAX = Case._meta.get_field("number").max_length


# --- schemas ----------------------------------------------------------------------


class ApplicationCreateIn(Schema):
    service_code: str = Field(..., min_length=1, max_length=60)
    enterprise_uscc: str | None = Field(
        None, max_length=40, description="Apply for this enterprise (unified social credit code)"
    )


class ApplicationUpdateIn(Schema):
    form_data: dict[str, Any] = Field(..., description="Answers to the service's form schema")


class CaseMaterialOut(Schema):
    """A file uploaded for an application or a case."""

    id: int
    material_id: int | None = Field(
        ..., description="The service's material it is for (the `id` of the service's materials)"
    )
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    superseded: bool
    url: str


class ApplicationOut(Schema):
    id: int
    status: str
    service_code: str
    service_version: int
    service_name_zh: str
    service_name_en: str
    enterprise_uscc: str | None
    form_data: dict[str, Any]
    form_schema: dict[str, Any]
    materials: list[CaseMaterialOut]
    case_number: str | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None


class CaseSummaryOut(Schema):
    number: str
    service_code: str
    service_name_zh: str
    service_name_en: str
    department: str
    step: str
    status: str = Field(..., description="The step in plain words")
    light: str = Field(..., description="green, yellow, red; empty when closed")
    version: int
    received_at: datetime
    due_at: datetime | None
    due_provisional: bool = Field(
        ...,
        description=(
            "True while the due date counts through a year whose holiday schedule is not "
            "published yet: counted on that year's statutory holidays, it is counted again "
            "(and may move) when the schedule is entered."
        ),
    )
    closed_at: datetime | None
    url: str


class CasePageOut(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[CaseSummaryOut]


class TimelineOut(Schema):
    at: datetime
    kind: str
    title: str
    department: str
    detail: str
    data: dict[str, Any]


class NextStepOut(Schema):
    title: str
    due_at: datetime | None
    due_provisional: bool = Field(..., description="See the case's `due_provisional`.")
    waiting_for_applicant: bool


class SupplementOut(Schema):
    id: int
    requested_at: datetime
    answered_at: datetime | None
    items: list[dict[str, Any]]
    note: str


class DecisionOut(Schema):
    outcome: str
    reason: str
    legal_basis: str
    decided_at: datetime


class RatingOut(Schema):
    level: int
    comment: str
    rated_at: datetime


class CaseDetailOut(CaseSummaryOut):
    enterprise_uscc: str | None
    form_data: dict[str, Any]
    next_step: NextStepOut | None
    timeline: list[TimelineOut]
    supplements: list[SupplementOut]
    materials: list[CaseMaterialOut]
    decision: DecisionOut | None
    certificate_number: str | None
    rating: RatingOut | None


class RatingIn(Schema):
    level: int = Field(..., ge=1, le=5, description="5 非常满意 … 1 非常不满意")
    comment: str = Field("", max_length=TEXT_MAX)


class WithdrawIn(Schema):
    reason: str = Field("", max_length=TEXT_MAX)


class AllowedCommandOut(Schema):
    name: str
    title: str
    fields: list[str] = Field(..., description="The fields this command takes in `fields`")
    choices: dict[str, list[str]]


class CaseStateOut(Schema):
    number: str
    step: str
    version: int
    light: str
    due_at: datetime | None
    due_provisional: bool = Field(
        ...,
        description=(
            "True while the due date counts through a year whose holiday schedule is not "
            "published yet: counted on that year's statutory holidays, it is counted again "
            "(and may move) when the schedule is entered."
        ),
    )
    closed_at: datetime | None
    assignee: str | None
    allowed_commands: list[AllowedCommandOut]


class QueueRowOut(Schema):
    number: str
    service_code: str
    service_name_zh: str
    department_code: str
    applicant: str = Field(..., description="Masked")
    received_at: datetime
    due_at: datetime | None
    due_provisional: bool = Field(..., description="See the case's `due_provisional`.")
    light: str
    step: str
    assignee: str | None
    version: int


class QueueCountsOut(Schema):
    red: int
    yellow: int
    open: int


class QueuePageOut(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    counts: QueueCountsOut
    results: list[QueueRowOut]


class QueueQuery(Schema):
    service: str | None = Field(None, max_length=60, description="Service code")
    step: str | None = Field(None, max_length=60, description="Workflow step")
    light: Literal["red", "yellow", "green"] | None = None
    assignee: str | None = Field(None, max_length=20, description='"me", "unassigned" or a user id')
    sort: Literal["due", "-due", "received", "-received"] = "due"
    include_closed: bool = False
    page: int = Field(1, ge=1, le=INT_MAX)
    page_size: int = Field(20, ge=1, le=100)


class PersonOut(Schema):
    name: str
    resident_id: str
    phone: str
    enterprise_name: str | None
    enterprise_uscc: str | None
    masked: bool


class ClockOut(Schema):
    clock: str
    clock_title: str
    light: str
    started_at: datetime | None
    deadline: datetime | None
    provisional: bool = Field(
        ...,
        description="The deadline counts through a year whose holiday schedule is not published.",
    )
    paused: bool
    paused_mode: str
    elapsed_working_days: int
    remaining_working_days: int | None
    suspended_working_days: float
    excluded_working_days: float
    extensions: int
    extensions_allowed: int
    special_procedures: list[dict[str, Any]]
    suspensions: list[dict[str, Any]]


class OfficerCaseOut(CaseStateOut):
    service_code: str
    service_name_zh: str
    department_code: str
    received_at: datetime
    applicant: PersonOut
    form_data: dict[str, Any] | None = Field(
        ..., description="Null for roles that do not need the answers in full"
    )
    materials: list[CaseMaterialOut]
    clock: ClockOut
    timeline: list[TimelineOut]
    supplements: list[SupplementOut]
    decision: DecisionOut | None
    certificate_number: str | None


# --- officer commands: one request schema each ------------------------------------------


class CommandFieldsIn(Schema):
    """The fields of a command; a field the command does not take is an error."""

    model_config = ConfigDict(extra="forbid")


class NoFieldsIn(CommandFieldsIn):
    """accept and complete take no fields."""


class RejectFieldsIn(CommandFieldsIn):
    reason: str = Field(
        ..., max_length=TEXT_MAX, description="Why it is not accepted; the applicant reads it"
    )
    legal_basis: str = Field("", max_length=TEXT_MAX)


class SupplementItemIn(CommandFieldsIn):
    material_id: int | None = Field(
        None,
        ge=1,
        le=INT_MAX,
        description="A material of the case's service version (see the case's `materials`)",
    )
    name: str = Field(
        "", max_length=100, description="The document missing, when it is none of the materials"
    )
    reason: str = Field(..., max_length=500, description="What is missing or wrong")


class RequestSupplementFieldsIn(CommandFieldsIn):
    items: list[SupplementItemIn] = Field(
        ..., min_length=1, max_length=100, description="Everything missing, at once (一次性告知)"
    )
    note: str = Field("", max_length=TEXT_MAX, description="A note to the applicant")


class StartSpecialProcedureFieldsIn(CommandFieldsIn):
    procedure: Literal["hearing", "inspection", "testing", "expert_review"]
    reason: str = Field(..., max_length=TEXT_MAX)
    expected_days: int = Field(
        ..., ge=1, le=365, description="Working days it is expected to take (the applicant is told)"
    )


class FinishSpecialProcedureFieldsIn(CommandFieldsIn):
    note: str = Field("", max_length=TEXT_MAX, description="The outcome of the procedure")


class ExtendFieldsIn(CommandFieldsIn):
    reason: str = Field(..., max_length=TEXT_MAX, description="Why; the applicant is told")


class ApproveFieldsIn(CommandFieldsIn):
    reason: str = Field("", max_length=TEXT_MAX, description="Remarks")
    legal_basis: str = Field("", max_length=TEXT_MAX)


class DenyFieldsIn(CommandFieldsIn):
    reason: str = Field(
        ..., max_length=TEXT_MAX, description="The reasons; the applicant reads them"
    )
    legal_basis: str = Field(..., max_length=TEXT_MAX, description="The law and article")


class IssueCertificateFieldsIn(CommandFieldsIn):
    certificate_number: str | None = Field(
        None,
        max_length=Case._meta.get_field("certificate_number").max_length,
        description="Generated from the case number when empty",
    )


class CommandIn(Schema):
    expected_version: int = Field(
        ..., ge=0, le=INT_MAX, description="The case version you saw (409 if it changed)"
    )


class AcceptCommandIn(CommandIn):
    fields: NoFieldsIn = Field(default_factory=NoFieldsIn)


class RejectCommandIn(CommandIn):
    fields: RejectFieldsIn


class RequestSupplementCommandIn(CommandIn):
    fields: RequestSupplementFieldsIn


class StartSpecialProcedureCommandIn(CommandIn):
    fields: StartSpecialProcedureFieldsIn


class FinishSpecialProcedureCommandIn(CommandIn):
    fields: FinishSpecialProcedureFieldsIn = Field(default_factory=FinishSpecialProcedureFieldsIn)


class ExtendCommandIn(CommandIn):
    fields: ExtendFieldsIn


class ApproveCommandIn(CommandIn):
    fields: ApproveFieldsIn = Field(default_factory=ApproveFieldsIn)


class DenyCommandIn(CommandIn):
    fields: DenyFieldsIn


class IssueCertificateCommandIn(CommandIn):
    fields: IssueCertificateFieldsIn = Field(default_factory=IssueCertificateFieldsIn)


class CompleteCommandIn(CommandIn):
    fields: NoFieldsIn = Field(default_factory=NoFieldsIn)


#: Each officer command: its request schema and what it does (the operation's summary).
COMMANDS: dict[str, tuple[type[CommandIn], str]] = {
    "accept": (AcceptCommandIn, "Accept the application (受理); the decision clock starts"),
    "reject": (RejectCommandIn, "Reject at intake (不予受理), with the reason; the case closes"),
    "request_supplement": (
        RequestSupplementCommandIn,
        "Ask for everything missing at once (一次性告知补正); the clock stops",
    ),
    "start_special_procedure": (
        StartSpecialProcedureCommandIn,
        "Start a special procedure (特别程序), excluded from the time limit",
    ),
    "finish_special_procedure": (
        FinishSpecialProcedureCommandIn,
        "End the special procedure; the clock runs again",
    ),
    "extend": (ExtendCommandIn, "Extend the time limit once (延期, +10 working days)"),
    "approve": (ApproveCommandIn, "Approve (准予许可)"),
    "deny": (DenyCommandIn, "Deny, with the reasons and the legal basis (不予许可)"),
    "issue_certificate": (IssueCertificateCommandIn, "Issue the certificate (发证)"),
    "complete": (CompleteCommandIn, "Complete the case (办结)"),
}


class AssignIn(Schema):
    assignee_id: int = Field(..., ge=1, le=INT_MAX)
    reason: str = Field(
        "", max_length=TEXT_MAX, description="With a reason, a reassignment (转办) by the assignee"
    )


# --- shaping ----------------------------------------------------------------------


def _material(row: CaseMaterial) -> dict[str, Any]:
    return {
        "id": row.pk,
        "material_id": row.material_id,
        "original_name": row.original_name,
        "content_type": row.content_type,
        "size": row.size,
        "sha256": row.sha256,
        "uploaded_at": row.uploaded_at,
        "superseded": row.superseded,
        "url": f"/api/v1/materials/{row.pk}/file",
    }


def _application(app: Application) -> dict[str, Any]:
    version = app.service_version
    try:
        case_number: str | None = app.case.number
    except ObjectDoesNotExist:
        case_number = None
    return {
        "id": app.pk,
        "status": app.status,
        "service_code": version.item.code,
        "service_version": version.number,
        "service_name_zh": version.name_zh,
        "service_name_en": version.name_en,
        "enterprise_uscc": app.enterprise.uscc if app.enterprise else None,
        "form_data": app.form_data,
        "form_schema": version.form_schema or {},
        "materials": [_material(m) for m in app.materials.filter(superseded=False)],
        "case_number": case_number,
        "created_at": app.created_at,
        "updated_at": app.updated_at,
        "submitted_at": app.submitted_at,
    }


def _summary(case: Case) -> dict[str, Any]:
    version = case.service_version
    light = getattr(case, "light", None)
    return {
        "number": case.number,
        "service_code": version.item.code,
        "service_name_zh": version.name_zh,
        "service_name_en": version.name_en,
        "department": case.department.name_zh,
        "step": case.step,
        "status": selectors.case_status_label(case),
        "light": light if light is not None else selectors.case_light(case),
        "version": case.version,
        "received_at": case.received_at,
        "due_at": case.due_at,
        "due_provisional": case.due_provisional,
        "closed_at": case.closed_at,
        "url": f"/api/v1/cases/{case.number}",
    }


def _timeline(case: Case, *, public_only: bool) -> list[dict[str, Any]]:
    return [
        {
            "at": t.at,
            "kind": t.kind,
            "title": t.title,
            "department": t.department,
            "detail": t.detail,
            "data": t.data,
        }
        for t in selectors.case_timeline(case, public_only=public_only)
    ]


def _supplements(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "id": s.pk,
            "requested_at": s.requested_at,
            "answered_at": s.answered_at,
            "items": s.items,
            "note": s.note,
        }
        for s in case.supplement_requests.order_by("requested_at", "id")
    ]


def _decision(case: Case) -> dict[str, Any] | None:
    try:
        d = case.decision
    except ObjectDoesNotExist:
        return None
    return {
        "outcome": d.outcome,
        "reason": d.reason,
        "legal_basis": d.legal_basis,
        "decided_at": d.decided_at,
    }


def _rating(case: Case) -> dict[str, Any] | None:
    try:
        r = case.rating
    except ObjectDoesNotExist:
        return None
    return {"level": r.level, "comment": r.comment, "rated_at": r.rated_at}


def _applicant_detail(case: Case) -> dict[str, Any]:
    next_step = selectors.case_next_step(case)
    return {
        **_summary(case),
        "enterprise_uscc": case.enterprise.uscc if case.enterprise else None,
        "form_data": case.application.form_data,
        "next_step": next_step.__dict__ if next_step else None,
        "timeline": _timeline(case, public_only=True),
        "supplements": _supplements(case),
        "materials": [_material(m) for m in selectors.case_materials(case)],
        "decision": _decision(case),
        "certificate_number": case.certificate_number or None,
        "rating": _rating(case),
    }


def _assignee(case: Case) -> str | None:
    return str(case.assignee) if case.assignee_id and case.assignee else None


def _state(case: Case, officer: User) -> dict[str, Any]:
    return {
        "number": case.number,
        "step": case.step,
        "version": case.version,
        "light": selectors.case_light(case),
        "due_at": case.due_at,
        "due_provisional": case.due_provisional,
        "closed_at": case.closed_at,
        "assignee": _assignee(case),
        "allowed_commands": [
            {
                "name": c.name,
                "title": c.title,
                "fields": list(services.COMMAND_FIELDS.get(c.name, ())),
                "choices": {k: list(v) for k, v in c.choices.items()},
            }
            for c in selectors.case_allowed_commands(case=case, officer=officer)
        ],
    }


def _person(case: Case, *, masked: bool) -> dict[str, Any]:
    applicant = case.applicant
    try:
        citizen = applicant.citizen
    except ObjectDoesNotExist:
        citizen = None
    name = (citizen.name if citizen else "") or str(applicant)
    resident_id = citizen.resident_id if citizen else ""
    phone = (citizen.phone if citizen else "") or applicant.phone
    enterprise = case.enterprise
    if masked:
        name, resident_id, phone = mask_name(name), mask_resident_id(resident_id), mask_phone(phone)
    return {
        "name": name,
        "resident_id": resident_id,
        "phone": phone,
        "enterprise_name": enterprise.name if enterprise else None,
        "enterprise_uscc": (
            (mask_uscc(enterprise.uscc) if masked else enterprise.uscc) if enterprise else None
        ),
        "masked": masked,
    }


def _page(qs: QuerySet[Case], page: int, page_size: int) -> tuple[int, int, list[Case]]:
    count = qs.count()
    pages = max(1, -(-count // page_size))
    if page > pages:
        raise ApiError(422, f"Page {page} does not exist; there are {pages}.", field="page")
    start = (page - 1) * page_size
    return count, pages, list(qs[start : start + page_size])


def _own_application(request: HttpRequest, application_id: int) -> Application:
    return selectors.application_get_for_applicant(
        user=user_of(request), application_id=application_id
    )


def _own_case(request: HttpRequest, number: str) -> Case:
    return selectors.case_get_for_applicant(user=user_of(request), number=number)


def _officer(request: HttpRequest) -> User:
    user = user_of(request)
    if not officer_department_ids(user).exists():
        raise PermissionDenied("Only officers of a department may use this endpoint.")
    return user


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


#: Path parameters: ids are positive database ids, numbers as long as a case number.
ID = Path(..., ge=1, le=INT_MAX)
CASE_NUMBER = Path(..., max_length=NUMBER_MAX)


# --- applicant endpoints ------------------------------------------------------------


@applicant_router.post(
    "/applications",
    response={201: ApplicationOut, **E401, **E403, **E404, **E422},
    summary="Start a draft application",
)
def application_create(request: HttpRequest, payload: ApplicationCreateIn) -> Any:
    user = user_of(request)
    enterprise = None
    if payload.enterprise_uscc:
        uscc = normalize_uscc(payload.enterprise_uscc)
        enterprise = enterprises_for_user(user).filter(uscc=uscc).first()
        if enterprise is None:
            raise PermissionDenied("You do not act for this enterprise.")
    app = services.application_create_draft(
        applicant=user, service_code=payload.service_code, enterprise=enterprise
    )
    return Status(201, _application(app))


@applicant_router.get(
    "/applications/{application_id}",
    response={200: ApplicationOut, **E401, **E404},
    summary="One of my applications",
)
def application_detail(request: HttpRequest, application_id: int = ID) -> Any:
    return _application(_own_application(request, application_id))


@applicant_router.patch(
    "/applications/{application_id}",
    response={200: ApplicationOut, **E401, **E404, **E409, **E422},
    summary="Save the form answers of a draft",
)
def application_update(
    request: HttpRequest, payload: ApplicationUpdateIn, application_id: int = ID
) -> Any:
    app = services.application_update_draft(
        application=_own_application(request, application_id),
        applicant=user_of(request),
        form_data=payload.form_data,
    )
    return _application(app)


@applicant_router.post(
    "/applications/{application_id}/materials",
    response={201: CaseMaterialOut, **E401, **E404, **E409, 413: ErrorOut, **E422},
    summary="Upload a material (PDF, JPEG, PNG, OFD; type checked from the content)",
)
def application_material_upload(
    request: HttpRequest,
    file: File[UploadedFile],
    application_id: int = ID,
    material_id: int | None = Form(None, ge=1, le=INT_MAX),
    name: str = Form("", max_length=100),
) -> Any:
    row = services.material_upload(
        actor=user_of(request),
        file=file,
        material_id=material_id,
        application=_own_application(request, application_id),
        name=name,
    )
    return Status(201, _material(row))


@applicant_router.post(
    "/applications/{application_id}/submit",
    response={200: CaseDetailOut, 201: CaseDetailOut, **E401, **E404, **E409, **E422},
    summary="Submit a draft; idempotent",
    description=(
        "Creates the case (201). Repeating the request with the same `Idempotency-Key`, "
        "or submitting an application already submitted, returns the same case (200): "
        "never a second case."
    ),
)
def application_submit(
    request: HttpRequest,
    application_id: int = ID,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=100),
) -> Any:
    submission = services.application_submit_outcome(
        application=_own_application(request, application_id),
        applicant=user_of(request),
        idempotency_key=idempotency_key,
    )
    # Re-read, not the in-memory case: the response shows instants as stored (UTC).
    case = selectors.case_get_for_applicant(user=user_of(request), number=submission.case.number)
    return Status(201 if submission.created else 200, _applicant_detail(case))


@applicant_router.get(
    "/cases", response={200: CasePageOut, **E401}, summary="My cases, newest first"
)
def case_list(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=INT_MAX),
    page_size: int = Query(20, ge=1, le=100),
) -> Any:
    qs = selectors.case_list_for_applicant(user=user_of(request)).select_related(
        "service_version__item"
    )
    count, pages, rows = _page(qs, page, page_size)
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": pages,
        "results": [_summary(c) for c in rows],
    }


@applicant_router.get(
    "/cases/{number}",
    response={200: CaseDetailOut, **E401, **E404},
    summary="One of my cases, with its timeline",
)
def case_detail(request: HttpRequest, number: str = CASE_NUMBER) -> Any:
    return _applicant_detail(_own_case(request, number))


@applicant_router.post(
    "/cases/{number}/supplements/materials",
    response={201: CaseMaterialOut, **E401, **E404, **E409, 413: ErrorOut, **E422},
    summary="Upload a material asked for in the open request for supplements",
)
def supplement_material_upload(
    request: HttpRequest,
    file: File[UploadedFile],
    number: str = CASE_NUMBER,
    material_id: int | None = Form(None, ge=1, le=INT_MAX),
    name: str = Form("", max_length=100),
) -> Any:
    row = services.material_upload(
        actor=user_of(request),
        file=file,
        material_id=material_id,
        case=_own_case(request, number),
        name=name,
    )
    return Status(201, _material(row))


@applicant_router.post(
    "/cases/{number}/supplements/answer",
    response={200: CaseDetailOut, **E401, **E404, **E409, **E422},
    summary="Hand in the supplements; the clock restarts",
)
def supplement_answer(request: HttpRequest, number: str = CASE_NUMBER) -> Any:
    case = services.supplement_answer(case=_own_case(request, number), applicant=user_of(request))
    return _applicant_detail(_own_case(request, case.number))


@applicant_router.post(
    "/cases/{number}/withdraw",
    response={200: CaseDetailOut, **E401, **E404, **E409},
    summary="Withdraw the application before a decision",
)
def case_withdraw(request: HttpRequest, payload: WithdrawIn, number: str = CASE_NUMBER) -> Any:
    services.case_withdraw(
        case=_own_case(request, number), applicant=user_of(request), reason=payload.reason
    )
    return _applicant_detail(_own_case(request, number))


@applicant_router.post(
    "/cases/{number}/rating",
    response={201: RatingOut, **E401, **E404, **E409, **E422},
    summary="Rate a closed case (好差评)",
)
def case_rate(request: HttpRequest, payload: RatingIn, number: str = CASE_NUMBER) -> Any:
    rating = services.rating_submit(
        case=_own_case(request, number),
        applicant=user_of(request),
        level=payload.level,
        comment=payload.comment,
    )
    return Status(
        201, {"level": rating.level, "comment": rating.comment, "rated_at": rating.rated_at}
    )


@applicant_router.get(
    "/materials/{material_id}/file",
    response={200: None, **E401, **E404},
    summary="Download an uploaded file (the applicant's own, or an officer's case)",
)
def material_file(request: HttpRequest, material_id: int = ID) -> FileResponse:
    user = user_of(request)
    row = selectors.material_get_for_user(user=user, material_id=material_id)
    services.material_view_record(actor=user, material=row)
    return material_response(row)


# --- officer endpoints --------------------------------------------------------------


@officer_router.get(
    "/cases",
    response={200: QueuePageOut, **E401, **E403, **E422},
    summary="The queue of my departments' cases",
)
def officer_queue(request: HttpRequest, query: Query[QueueQuery]) -> Any:
    officer = _officer(request)
    assignee: str | int | None = query.assignee
    if assignee not in (None, "", "me", "unassigned"):
        if not str(assignee).isdigit():
            raise ApiError(422, 'Use "me", "unassigned" or a user id.', field="assignee")
        assignee = int(str(assignee))
    filters = selectors.CaseFilters(
        service_code=query.service,
        step=query.step,
        light=query.light,
        assignee=assignee,
        include_closed=query.include_closed,
        sort=query.sort,
    )
    qs = selectors.case_list_for_officer(officer=officer, filters=filters)
    count, pages, rows = _page(qs, query.page, query.page_size)
    counts = selectors.case_queue_counts(officer=officer)
    return {
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
        "pages": pages,
        "counts": counts.__dict__,
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
        "materials": [_material(m) for m in selectors.case_materials(case)],
        "clock": clock.__dict__,
        "timeline": _timeline(case, public_only=False),
        "supplements": _supplements(case),
        "decision": _decision(case),
        "certificate_number": case.certificate_number or None,
    }


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
