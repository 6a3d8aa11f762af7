"""The documents the applicant receives (受理通知书, 不予受理决定书, 一次性告知书,
准予/不予行政许可决定书): a PDF per act, read back here.

Expected texts come from the law, not from the templates:
- 行政许可法 第三十二条: accept (受理) or refuse to accept (不予受理), and tell the applicant
  once and completely (一次告知) of everything to supplement;
- 行政许可法 第三十八条: a refusal gives its reasons and tells of the right to apply for
  administrative reconsideration (行政复议) or to sue (行政诉讼);
- 行政复议法 (2023 修订) 第二十条: within sixty days (六十日) of knowing of the act;
- 行政诉讼法 第四十六条: within six months (六个月).
Document numbers are the case number with a type code (docs/cases.md).
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from tests.clock import NOW
from tests.factories import (
    DepartmentFactory,
    accepted_case,
    case_world,
    citizen,
    officer,
    reviewed_case,
    submitted_case,
)
from tests.snapshots import snapshot
from yiwang.cases import notices as notice_rendering
from yiwang.cases import services
from yiwang.cases.errors import CaseConflict
from yiwang.cases.models import Case, CaseNotice
from yiwang.cases.services import notices as notice_services
from yiwang.core.models import AuditEntry
from yiwang.identity.models import Department, Role

pytestmark = pytest.mark.django_db

DEPARTMENT = "济南市市场监督管理局"
TODAY = "2026年3月3日"  # the test clock's date (tests/clock.py)
REMEDIES = ("行政复议", "六十日", "行政诉讼", "六个月")


def text_of(notice: CaseNotice) -> str:
    """The PDF's text read back, without the line breaks the layout put in."""
    with notice.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "".join("".join(page.extract_text() for page in reader.pages).split())


def world_named():
    world = case_world()
    Department.objects.filter(pk=world.department.pk).update(name_zh=DEPARTMENT)
    world.department.refresh_from_db()
    return world


def only_notice(case: Case, kind: str) -> CaseNotice:
    (notice,) = CaseNotice.objects.filter(case=case, kind=kind)
    return notice


def assert_common(text: str, case: Case, world, number: str) -> None:
    assert DEPARTMENT in text
    assert number in text
    assert TODAY in text
    assert "张三" in text  # the applicant (factories.citizen)
    assert world.service.name_zh in text
    assert case.number in text
    assert "（印章）" in text


def test_acceptance_notice():
    world = world_named()
    case = submitted_case(world)

    services.case_accept(case=case, actor=world.clerk)

    text = text_of(only_notice(case, "acceptance"))
    assert "受理通知书" in text
    assert_common(text, case, world, f"{case.number}-SL")
    assert "第三十二条" in text and "予以受理" in text


def test_a_service_that_is_not_a_licence_is_accepted_without_citing_the_licensing_law():
    # 行政许可法 governs licences only: a registration is accepted and done, not "decided"
    world = case_world(kind="registration", promised_limit_days=10)
    case = submitted_case(world)

    services.case_accept(case=case, actor=world.clerk)

    text = text_of(only_notice(case, "acceptance"))
    assert "予以受理" in text
    assert "行政许可法" not in text and "作出决定" not in text
    assert "承诺时限10个工作日内办结" in text
    assert "听证" not in text  # 行政许可法 第四十五条, a licence's excluded time


def test_a_service_promised_on_the_spot_is_done_the_day_it_is_accepted():
    # promised 0 working days: 即办, done the same day, never "within 0 working days"
    world = case_world(kind="registration", promised_limit_days=0)
    case = submitted_case(world)

    services.case_accept(case=case, actor=world.clerk)

    text = text_of(only_notice(case, "acceptance"))
    assert "本事项为即办件，本机关将于受理当日办结。" in text
    assert "0个工作日" not in text


def test_a_refusal_to_accept_a_registration_does_not_cite_the_licensing_law():
    world = case_world(kind="registration")
    case = submitted_case(world)

    services.case_reject(case=case, actor=world.clerk, reason="不属于本机关职权范围")

    text = text_of(only_notice(case, "refusal_to_accept"))
    assert "本机关决定不予受理" in text and "不属于本机关职权范围" in text
    assert "行政许可法" not in text
    for remedy in REMEDIES:
        assert remedy in text
    # 行政复议法 第二十条 and 行政诉讼法 第四十六条 count from when the applicant knew or
    # should have known of the act
    assert "自知道或者应当知道该行政行为之日起六十日内" in text
    assert "自知道或者应当知道作出行政行为之日起六个月内" in text


def test_refusal_to_accept_notice_gives_the_reason_and_the_remedies():
    world = world_named()
    case = submitted_case(world)

    services.case_reject(
        case=case, actor=world.clerk, reason="申请事项依法不需要取得行政许可",
        legal_basis="《中华人民共和国行政许可法》第三十二条第一款第（一）项",
    )  # fmt: skip

    text = text_of(only_notice(case, "refusal_to_accept"))
    assert "不予受理" in text
    assert_common(text, case, world, f"{case.number}-BSL")
    assert "申请事项依法不需要取得行政许可" in text
    for remedy in REMEDIES:
        assert remedy in text


def test_supplement_notice_lists_everything_at_once():
    world = world_named()
    case = submitted_case(world)
    first, second = world.required_materials[:2]

    services.supplement_request(
        case=case, actor=world.clerk,
        items=[
            {"material_id": first.pk, "reason": "复印件不清晰"},
            {"name": "房屋租赁合同", "reason": "未提交"},
        ],
    )  # fmt: skip

    text = text_of(only_notice(case, "supplement"))
    assert "一次性告知" in text
    assert_common(text, case, world, f"{case.number}-BZ1")
    assert first.name_zh in text and "复印件不清晰" in text
    assert "房屋租赁合同" in text and "未提交" in text
    assert second.name_zh not in text


def test_approval_decision():
    world = world_named()
    case = reviewed_case(world)

    services.case_approve(case=case, actor=world.approver)

    text = text_of(only_notice(case, "approval"))
    assert "准予行政许可决定书" in text
    assert_common(text, case, world, f"{case.number}-ZY")
    assert "第三十八条" in text


def test_denial_decision_gives_the_reasons_and_the_remedies():
    world = world_named()
    case = accepted_case(world)
    case = services.case_review(
        case=case, actor=world.reviewer, outcome="deny", opinion="经营场所不符合要求"
    )

    services.case_deny(
        case=case, actor=world.approver, reason="经营场所与有毒、有害场所的距离不符合要求",
        legal_basis="《中华人民共和国食品安全法》第三十三条",
    )  # fmt: skip

    text = text_of(only_notice(case, "denial"))
    assert "不予行政许可决定书" in text
    assert_common(text, case, world, f"{case.number}-BY")
    assert "经营场所与有毒、有害场所的距离不符合要求" in text
    assert "《中华人民共和国食品安全法》第三十三条" in text
    for remedy in REMEDIES:
        assert remedy in text


def test_the_hash_in_the_audit_log_is_the_files():
    world = world_named()
    case = submitted_case(world)

    services.case_accept(case=case, actor=world.clerk)

    notice = only_notice(case, "acceptance")
    with notice.file.open("rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    entry = AuditEntry.objects.get(action="case.notice_issue")
    assert entry.data["sha256"] == digest == notice.sha256
    assert entry.data["document"] == notice.number


def stored_files(settings) -> set[Path]:
    return {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}


def test_a_failed_act_leaves_no_document_and_no_file(monkeypatch, settings):
    world = world_named()
    case = submitted_case(world)

    def fail(*args, **kwargs):
        raise RuntimeError("the audit log is unavailable")

    files_before = stored_files(settings)
    before = snapshot(case)
    monkeypatch.setattr(notice_services, "audit", fail)  # after the PDF was stored
    with pytest.raises(RuntimeError):
        services.case_accept(case=case, actor=world.clerk)

    assert snapshot(case) == before
    assert not CaseNotice.objects.exists()
    assert stored_files(settings) == files_before


def test_a_notice_is_never_regenerated():
    world = world_named()
    case = accepted_case(world)
    notice = only_notice(case, "acceptance")
    before = snapshot(case)

    with pytest.raises(CaseConflict):
        notice_services.notice_issue(
            case=case, kind="acceptance", actor=world.clerk, at=notice.issued_at
        )

    assert snapshot(case) == before


def test_without_the_font_a_notice_is_still_drawn_and_the_check_names_the_package(monkeypatch):
    monkeypatch.setattr(notice_rendering, "FONT_NAME", "MissingCJKFont")
    monkeypatch.setattr(notice_rendering, "FONT_PATHS", (Path("/nonexistent/font.ttc"),))

    pdf = notice_rendering.notice_pdf(
        kind="acceptance",
        number="370100-TEST-SL",
        department="济南市市场监督管理局",
        issued_at=NOW,
        context={},
    )

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "济南市市场监督管理局" in text and "2026年3月3日" in text
    (warning,) = notice_rendering.check_notice_font()
    assert warning.id == "cases.W001" and "fonts-wqy-zenhei" in warning.hint


# --- who may download ----------------------------------------------------------------------------


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def read_pdf(response) -> str:
    body = b"".join(response.streaming_content)
    reader = PdfReader(io.BytesIO(body))
    return "".join("".join(p.extract_text() for p in reader.pages).split())


def test_the_applicant_downloads_the_notices_from_the_api_and_the_portal():
    world = world_named()
    case = accepted_case(world)
    notice = only_notice(case, "acceptance")
    client = as_user(world.applicant)

    listed = client.get(f"/api/v1/cases/{case.number}/documents")
    api_file = client.get(listed.json()[0]["url"])
    portal = client.get(reverse("portal:notice_download", kwargs={"notice_id": notice.pk}))
    page = client.get(reverse("portal:case_detail", kwargs={"number": case.number}))

    assert listed.status_code == 200
    assert [(d["number"], d["kind"], d["sha256"]) for d in listed.json()] == [
        (f"{case.number}-SL", "acceptance", notice.sha256)
    ]
    for response in (api_file, portal):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
        assert f"{case.number}-SL" in read_pdf(response)
    assert notice.number in page.content.decode()


def test_a_notice_whose_stored_file_was_altered_is_withheld(caplog):
    world = world_named()
    case = accepted_case(world)
    notice = only_notice(case, "acceptance")
    # someone with access to the file store rewrites the PDF
    Path(notice.file.path).write_bytes(b"%PDF-1.4 forged")
    client = as_user(world.applicant)
    client.raise_request_exception = False

    portal = client.get(reverse("portal:notice_download", kwargs={"notice_id": notice.pk}))
    api = client.get(f"/api/v1/documents/{notice.pk}/file")

    for response in (portal, api):
        assert response.status_code == 500
        assert b"forged" not in response.content
    assert f"Notice {notice.number} does not match the SHA-256" in caplog.text


def test_the_departments_officers_download_the_notices():
    world = world_named()
    case = accepted_case(world)
    notice = only_notice(case, "acceptance")
    client = as_user(world.reviewer)

    listed = client.get(f"/api/v1/officer/cases/{case.number}/documents")
    api_file = client.get(f"/api/v1/documents/{notice.pk}/file")
    workbench = client.get(reverse("workbench:notice", kwargs={"notice_id": notice.pk}))
    page = client.get(reverse("workbench:case", kwargs={"number": case.number}))

    assert listed.status_code == 200 and listed.json()[0]["number"] == notice.number
    assert api_file.status_code == 200 and workbench.status_code == 200
    assert notice.number in read_pdf(workbench)
    assert notice.number in page.content.decode()


def test_nobody_else_sees_the_notices():
    world = world_named()
    case = accepted_case(world)
    notice = only_notice(case, "acceptance")
    stranger = citizen(name="李四")
    elsewhere = officer(DepartmentFactory(), Role.INTAKE_CLERK, Role.REVIEWER)

    stranger_list = as_user(stranger).get(f"/api/v1/cases/{case.number}/documents")
    stranger_api = as_user(stranger).get(f"/api/v1/documents/{notice.pk}/file")
    stranger_portal = as_user(stranger).get(
        reverse("portal:notice_download", kwargs={"notice_id": notice.pk})
    )
    other_list = as_user(elsewhere).get(f"/api/v1/officer/cases/{case.number}/documents")
    other_api = as_user(elsewhere).get(f"/api/v1/documents/{notice.pk}/file")
    other_workbench = as_user(elsewhere).get(
        reverse("workbench:notice", kwargs={"notice_id": notice.pk})
    )
    masked_list = as_user(world.supervisor).get(f"/api/v1/officer/cases/{case.number}/documents")
    masked_api = as_user(world.supervisor).get(f"/api/v1/documents/{notice.pk}/file")

    assert stranger_list.status_code == 404 and stranger_api.status_code == 404
    assert stranger_portal.status_code == 404
    assert other_list.status_code == 403 and other_api.status_code == 404
    assert other_workbench.status_code == 404
    assert masked_list.status_code == 403 and masked_api.status_code == 403
    for response in (stranger_list, stranger_api, other_list, other_api, masked_list, masked_api):
        assert notice.number not in response.content.decode()
        assert notice.sha256 not in response.content.decode()
