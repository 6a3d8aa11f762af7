"""The catalog REST API: list, search and read published services; departments and topics."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema

from yiwang.catalog import selectors
from yiwang.catalog.models import ServiceVersion
from yiwang.core.apitypes import INT_MAX, ApiError, ErrorOut, page_slice
from yiwang.core.dbrouting import replica_reads
from yiwang.identity.models import Department

router = Router(tags=["catalog"])

Kind = Enum("Kind", {k.upper(): k for k in ServiceVersion.Kind.values}, type=str)  # type: ignore[misc]


class ServiceObject(str, Enum):
    PERSON = "person"
    LEGAL_PERSON = "legal_person"


class DepartmentOut(Schema):
    code: str
    name_zh: str
    name_en: str


class ServiceWindowOut(Schema):
    """Where and when a department receives applicants in person (受理窗口)."""

    address_zh: str = Field(..., description="The service hall's address")
    address_en: str
    windows_zh: str = Field(
        ..., description="Where the department's windows are in the hall, e.g. 二楼B区21—28号窗口"
    )
    windows_en: str
    office_hours_zh: str
    office_hours_en: str


class DepartmentContactOut(DepartmentOut):
    """A department with the lines and windows its service guides show."""

    consultation_phone: str = Field(..., description="咨询电话; empty when it has none")
    complaint_phone: str = Field(
        ...,
        description=(
            "监督投诉电话: the 12345 hotline where the department has no line of its own; "
            "empty when none is recorded"
        ),
    )
    windows: list[ServiceWindowOut] = Field(
        ...,
        description=(
            "Its service windows, one entry per service hall; empty when it receives no one "
            "in person"
        ),
    )


class TopicOut(Schema):
    code: str
    name_zh: str
    name_en: str
    audience: str


class ServiceSummaryOut(Schema):
    code: str = Field(..., description="The service item's implementation code")
    version: int
    name_zh: str
    name_en: str
    kind: str
    service_object: str
    department: DepartmentOut
    legal_limit_days: int
    promised_limit_days: int
    visits: int = Field(..., description="On-site visits needed: 0 means fully online")
    fully_online: bool
    is_free: bool
    topics: list[str]
    url: str


class ServiceMaterialOut(Schema):
    """A material a service asks for (申请材料)."""

    id: int = Field(
        ...,
        description=(
            "Send it as `material_id` when uploading this material for an application "
            "(`POST /applications/{id}/materials`)"
        ),
    )
    name_zh: str
    name_en: str
    requirement: str
    condition_zh: str
    condition_en: str
    formats: list[str]
    copies: int
    original_required: bool
    certificate_type: str | None = Field(
        None, description="Code of the e-certificate type that can stand in for this material"
    )


class FeeOut(Schema):
    name_zh: str
    name_en: str
    amount_yuan: Decimal
    basis_zh: str


class StepOut(Schema):
    name_zh: str
    name_en: str = ""


class ServiceDetailOut(ServiceSummaryOut):
    department: DepartmentContactOut
    status: str
    published_at: datetime | None
    summary_zh: str
    summary_en: str
    conditions_zh: str
    conditions_en: str
    legal_basis_zh: str
    legal_basis_en: str
    where_zh: str
    where_en: str
    online_available: bool
    steps: list[StepOut]
    materials: list[ServiceMaterialOut]
    fees: list[FeeOut]
    form_schema: dict[str, Any]
    workflow: str
    result_name_zh: str = Field("", description="What the applicant receives (办理结果)")
    result_name_en: str = ""
    files: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Files the current guide offers to download, by kind (`result-sample` 结果样本, "
            "`blank-form` 空白表格, `sample-form` 示范文本) → URL; empty for a superseded version"
        ),
    )


class ServicePageOut(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[ServiceSummaryOut]


class CatalogQuery(Schema):
    department: str | None = Field(None, max_length=40, description="Department code")
    kind: Kind | None = None  # type: ignore[valid-type]
    service_object: ServiceObject | None = Field(
        None, description="Applicant type; services for both match either"
    )
    fully_online: bool | None = Field(None, description="Only services needing no visit")
    topic: str | None = Field(
        None, max_length=40, description="Topic (life or business event) code"
    )
    page: int = Field(1, ge=1, le=INT_MAX)
    page_size: int = Field(20, ge=1, le=100)

    def to_filters(self) -> selectors.CatalogFilters:
        if self.department and selectors.department_by_code(self.department) is None:
            raise ApiError(422, f"Unknown department code: {self.department}", field="department")
        if self.topic and selectors.topic_by_code(self.topic) is None:
            raise ApiError(422, f"Unknown topic code: {self.topic}", field="topic")
        return selectors.CatalogFilters(
            department=self.department,
            kind=self.kind.value if self.kind else None,
            service_object=self.service_object.value if self.service_object else None,
            fully_online=self.fully_online,
            topic=self.topic,
        )


class SearchQuery(CatalogQuery):
    q: str = Field(..., min_length=1, max_length=100, description="Words to search for")


def _department(department: Department) -> dict[str, str]:
    return {"code": department.code, "name_zh": department.name_zh, "name_en": department.name_en}


def _department_contacts(department: Department) -> dict[str, Any]:
    """The department with its lines and windows, as its guides show them in the portal
    (``portal/includes/department_contact.html``)."""
    window = {
        name: getattr(department, name)
        for name in (
            "address_zh",
            "address_en",
            "windows_zh",
            "windows_en",
            "office_hours_zh",
            "office_hours_en",
        )
    }
    return {
        **_department(department),
        "consultation_phone": department.phone,
        "complaint_phone": department.complaint_phone,
        "windows": [window] if any(window.values()) else [],
    }


def _summary(version: ServiceVersion) -> dict[str, Any]:
    department = version.item.department
    return {
        "code": version.item.code,
        "version": version.number,
        "name_zh": version.name_zh,
        "name_en": version.name_en,
        "kind": version.kind,
        "service_object": version.service_object,
        "department": _department(department),
        "legal_limit_days": version.legal_limit_days,
        "promised_limit_days": version.promised_limit_days,
        "visits": version.visits,
        "fully_online": version.fully_online,
        "is_free": version.is_free,
        "topics": [t.code for t in version.topics.all()],
        "url": f"/api/v1/services/{version.item.code}",
    }


def _detail(version: ServiceVersion) -> dict[str, Any]:
    return {
        **_summary(version),
        "department": _department_contacts(version.item.department),
        **{
            name: getattr(version, name)
            for name in (
                "status",
                "published_at",
                "summary_zh",
                "summary_en",
                "conditions_zh",
                "conditions_en",
                "legal_basis_zh",
                "legal_basis_en",
                "where_zh",
                "where_en",
                "online_available",
                "steps",
                "form_schema",
                "workflow",
                "result_name_zh",
                "result_name_en",
            )
        },
        "files": {
            kind: reverse("portal:guide_file", args=[version.item.code, kind])
            for kind, field in ServiceVersion.GUIDE_FILES.items()
            if getattr(version, field) and version.status == ServiceVersion.Status.PUBLISHED
        },
        "materials": [
            {
                "id": m.pk,
                **{
                    f: getattr(m, f)
                    for f in (
                        "name_zh",
                        "name_en",
                        "requirement",
                        "condition_zh",
                        "condition_en",
                        "formats",
                        "copies",
                        "original_required",
                    )
                },
                "certificate_type": m.certificate_type.code if m.certificate_type else None,
            }
            for m in version.materials.all()
        ],
        "fees": list(version.fees.values("name_zh", "name_en", "amount_yuan", "basis_zh")),
    }


def _page(
    items: QuerySet[ServiceVersion] | selectors.RankedResults, page: int, page_size: int
) -> dict[str, Any]:
    count = items.count()
    pages, rows = page_slice(count, page, page_size)
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": pages,
        "results": [_summary(v) for v in items[rows]],
    }


#: A service item's code in a path (``ServiceItem.code``).
SERVICE_CODE = Path(..., max_length=60)


@router.get(
    "/services", response={200: ServicePageOut, 422: ErrorOut}, summary="List published services"
)
@replica_reads
def service_list(request: HttpRequest, query: Query[CatalogQuery]) -> dict[str, Any]:
    return _page(selectors.published_versions(query.to_filters()), query.page, query.page_size)


@router.get(
    "/services/search",
    response={200: ServicePageOut, 422: ErrorOut},
    summary="Search published services",
    description="Chinese or English words; results are ranked with exact name matches first.",
)
def service_search(request: HttpRequest, query: Query[SearchQuery]) -> dict[str, Any]:
    if not query.q.strip():
        raise ApiError(422, "Say what to search for.", field="q")
    results = selectors.catalog_search(query.q, query.to_filters())
    return _page(results, query.page, query.page_size)


@router.get(
    "/services/{code}",
    response={200: ServiceDetailOut, 404: ErrorOut},
    summary="A service's guide, with the materials to upload",
)
def service_detail(request: HttpRequest, code: str = SERVICE_CODE) -> dict[str, Any]:
    try:
        return _detail(selectors.service_guide(code))
    except selectors.ServiceNotFound:
        raise ApiError(404, f"No published service with code {code}.") from None


@router.get(
    "/services/{code}/versions/{number}",
    response={200: ServiceDetailOut, 404: ErrorOut},
    summary="An earlier (or the current) published version of a service",
)
def service_version_detail(
    request: HttpRequest, code: str = SERVICE_CODE, number: int = Path(..., ge=1, le=INT_MAX)
) -> dict[str, Any]:
    try:
        return _detail(selectors.service_guide(code, number))
    except selectors.ServiceNotFound:
        raise ApiError(404, f"Service {code} has no published version {number}.") from None


@router.get(
    "/departments",
    response=list[DepartmentContactOut],
    summary="Departments offering services, with their phone lines and windows",
)
def department_list(request: HttpRequest) -> Any:
    return [_department_contacts(d) for d in selectors.departments_with_services()]


@router.get("/topics", response=list[TopicOut], summary="Life and business events")
def topic_list(request: HttpRequest) -> Any:
    return selectors.topics_with_counts()
