"""What the cases endpoints take and give: request and response models, and the error
responses they declare (path parameters: ``params``; officer commands' request schemas:
``commands``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from yiwang.core.apitypes import INT_MAX, ErrorOut

E400 = {400: ErrorOut}
E401 = {401: ErrorOut}
E403 = {403: ErrorOut}
E404 = {404: ErrorOut}
E409 = {409: ErrorOut}
E422 = {422: ErrorOut}

#: Longest free text an applicant or officer writes (a reason, a note, a legal basis).
TEXT_MAX = 2000


class ApplicationCreateIn(Schema):
    service_code: str = Field(..., min_length=1, max_length=60)
    enterprise_uscc: str | None = Field(
        None, max_length=40, description="Apply for this enterprise (unified social credit code)"
    )


class ApplicationUpdateIn(Schema):
    form_data: dict[str, Any] = Field(..., description="Answers to the service's form schema")


class CaseNoticeOut(Schema):
    """A notice the applicant received (受理通知书, 一次性告知书, 决定书 …): an immutable PDF."""

    id: int
    kind: str = Field(
        ...,
        description=(
            "acceptance (受理通知书), refusal_to_accept (不予受理决定书), supplement "
            "(一次性告知书), approval (准予行政许可决定书), denial (不予行政许可决定书)"
        ),
    )
    title: str = Field(..., description="The document's title, as printed on it")
    number: str = Field(..., description="The document number: the case number and a type code")
    issued_at: datetime
    size: int
    sha256: str = Field(..., description="SHA-256 of the PDF, also in the audit log")
    url: str = Field(..., description="Where to download the PDF")


class CaseMaterialOut(Schema):
    """A file uploaded for an application or a case."""

    id: int
    material_id: int | None = Field(
        ..., description="The service's material it is for (the `id` of the service's materials)"
    )
    original_name: str | None = Field(
        ..., description="The file's name as uploaded; null for a role that sees the case masked"
    )
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    superseded: bool
    url: str | None = Field(
        ..., description="Where to download it; null for a role that sees the case masked"
    )


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
    by: str = Field(
        "",
        description="Who did it, as the caller may know them: to the applicant “You” for their "
        "own actions and the department otherwise; to officers the applicant (masked) or "
        "the officer by name.",
    )
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
    red: int = Field(..., description="Overdue open cases, counted up to `cap` + 1")
    yellow: int = Field(..., description="Open cases due soon, counted up to `cap` + 1")
    open: int = Field(..., description="Open cases, counted up to `cap` + 1")
    cap: int = Field(..., description='A count above `cap` means "more than `cap`"')


class QueuePageOut(Schema):
    count: int = Field(
        ...,
        description=(
            "Cases matching the filters, counted up to `count_cap` + 1: a count above "
            '`count_cap` means "more than `count_cap`"'
        ),
    )
    count_cap: int
    page: int = Field(..., description="Deprecated: the `page` asked for (1 with a cursor)")
    page_size: int
    pages: int = Field(..., description="Deprecated: pages of `count` (at most the cap's)")
    next: str | None = Field(
        ..., description="Cursor of the next page (pass it as `cursor`); null on the last page"
    )
    previous: str | None = Field(
        ..., description="Cursor of the previous page; null on the first page"
    )
    counts: QueueCountsOut
    results: list[QueueRowOut]


class QueueQuery(Schema):
    service: str | None = Field(None, max_length=60, description="Service code")
    step: str | None = Field(None, max_length=60, description="Workflow step")
    light: Literal["red", "yellow", "green"] | None = None
    assignee: str | None = Field(None, max_length=20, description='"me", "unassigned" or a user id')
    sort: Literal["due", "-due", "received", "-received"] = "due"
    include_closed: bool = False
    cursor: str | None = Field(
        None,
        max_length=400,
        description=(
            "`next` or `previous` of an earlier page with the same filters and sort: "
            "keyset pages, as fast at the end of the queue as at its start. Without it, "
            "the first page."
        ),
    )
    page: int = Field(
        1,
        ge=1,
        le=INT_MAX,
        description=(
            "Deprecated (offset pages get slower the deeper they go): use `cursor`. "
            "Ignored when `cursor` is given."
        ),
    )
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
    on_the_spot: bool = Field(
        False, description="The promised limit is 即办 (0 working days): due the same working day"
    )


class ReviewOpinionOut(Schema):
    at: datetime
    outcome: str = Field(..., description="The proposed outcome: approve or deny")
    opinion: str
    reviewer: str


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
    review: ReviewOpinionOut | None = Field(
        ..., description="The reviewer's opinion (审查意见) the approver decides on, if any"
    )
    decision: DecisionOut | None
    certificate_number: str | None


class AssignIn(Schema):
    assignee_id: int = Field(..., ge=1, le=INT_MAX)
    reason: str = Field(
        "", max_length=TEXT_MAX, description="With a reason, a reassignment (转办) by the assignee"
    )
