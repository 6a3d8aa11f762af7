"""Officer commands in the API: one request schema each, and the table the officer router
registers one operation per command from (``COMMANDS``)."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from yiwang.cases.api.schemas import TEXT_MAX
from yiwang.cases.models import Case
from yiwang.core.apitypes import INT_MAX


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


class RecordInspectionFieldsIn(CommandFieldsIn):
    findings: str = Field(..., max_length=TEXT_MAX, description="What the inspectors found on site")


class ReviewFieldsIn(CommandFieldsIn):
    outcome: Literal["approve", "deny"] = Field(..., description="The proposed outcome")
    opinion: str = Field(..., max_length=TEXT_MAX, description="The review opinion (审查意见)")


class ReturnForReviewFieldsIn(CommandFieldsIn):
    reason: str = Field(..., max_length=TEXT_MAX, description="What the review should look at")


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


class RecordInspectionCommandIn(CommandIn):
    fields: RecordInspectionFieldsIn


class ReviewCommandIn(CommandIn):
    fields: ReviewFieldsIn


class ReturnForReviewCommandIn(CommandIn):
    fields: ReturnForReviewFieldsIn


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
    "record_inspection": (
        RecordInspectionCommandIn,
        "Record the site inspection (现场核查) and its findings",
    ),
    "review": (
        ReviewCommandIn,
        "Record the review opinion (审查意见) with a proposed outcome; the decision step opens",
    ),
    "return_for_review": (
        ReturnForReviewCommandIn,
        "Send the case back to the reviewer (退回审查), saying why",
    ),
    "extend": (ExtendCommandIn, "Extend the time limit once (延期, +10 working days)"),
    "approve": (ApproveCommandIn, "Approve (准予许可)"),
    "deny": (DenyCommandIn, "Deny, with the reasons and the legal basis (不予许可)"),
    "issue_certificate": (IssueCertificateCommandIn, "Issue the certificate (发证)"),
    "complete": (CompleteCommandIn, "Complete the case (办结)"),
}
