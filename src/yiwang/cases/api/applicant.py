"""The applicant router: drafts, uploads, the idempotent submit, "my cases", supplements,
withdrawal, rating, and downloading an uploaded file."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest
from ninja import File, Form, Header, Query, Router, Status, UploadedFile

from yiwang.cases import selectors, services
from yiwang.cases.api.params import CASE_NUMBER, ID
from yiwang.cases.api.schemas import (
    E401,
    E403,
    E404,
    E409,
    E422,
    ApplicationCreateIn,
    ApplicationOut,
    ApplicationUpdateIn,
    CaseDetailOut,
    CaseMaterialOut,
    CaseNoticeOut,
    CasePageOut,
    RatingIn,
    RatingOut,
    WithdrawIn,
)
from yiwang.cases.api.shaping import (
    _applicant_detail,
    _application,
    _material,
    _notice,
    _page,
    _submitted_detail,
    _summary,
)
from yiwang.cases.downloads import material_response, notice_response
from yiwang.cases.models import Application, Case
from yiwang.core.apitypes import INT_MAX, ErrorOut
from yiwang.identity.selectors import enterprises_for_user
from yiwang.identity.validators import normalize_uscc
from yiwang.integrations.auth import api_auth, user_of
from yiwang.integrations.models import Scope

applicant_router = Router(
    tags=["applications"],
    auth=api_auth(read=Scope.CASES_READ, write=Scope.APPLICATIONS_WRITE),
)


def _own_application(request: HttpRequest, application_id: int) -> Application:
    return selectors.application_get_for_applicant(
        user=user_of(request), application_id=application_id
    )


def _own_case(request: HttpRequest, number: str) -> Case:
    return selectors.case_get_for_applicant(user=user_of(request), number=number)


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
    # The service locks the application and answers 404 unless it is the caller's.
    submission = services.application_submit_outcome(
        application=Application(pk=application_id),
        applicant=user_of(request),
        idempotency_key=idempotency_key,
    )
    if submission.created:
        return Status(201, _submitted_detail(submission))
    case = selectors.case_get_for_applicant(user=user_of(request), number=submission.case.number)
    return Status(200, _applicant_detail(case))


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


@applicant_router.get(
    "/cases/{number}/documents",
    response={200: list[CaseNoticeOut], **E401, **E404},
    summary="The notices I received on my case (受理通知书, 一次性告知书, 决定书)",
)
def case_documents(request: HttpRequest, number: str = CASE_NUMBER) -> Any:
    return [_notice(n) for n in selectors.case_notices(_own_case(request, number))]


@applicant_router.get(
    "/documents/{notice_id}/file",
    response={200: None, **E401, **E403, **E404},
    summary="Download a notice's PDF (the applicant's own, or an officer's case)",
)
def notice_file(request: HttpRequest, notice_id: int = ID) -> FileResponse:
    return notice_response(
        selectors.notice_get_for_user(user=user_of(request), notice_id=notice_id)
    )
