"""Who may do what, in one table: every role × every case operation of the API, the workbench
and the portal, against one case of one department.

The expectations are written by hand from DESIGN.md's user table and the law (the licensing
path: 受理员 accepts/rejects/asks for supplements at intake; 审核 reviews, asks for supplements
in review, holds special procedures; 审批 decides, extends once, issues, completes), not read
from the code. "Allowed" means the request passes the permission checks: it may still meet a
business refusal (409 wrong step, 422 a missing field), never 401/403/404. Every refused
request leaves the case, its timeline, its workflow, its materials and the audit log exactly
as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.factories import (
    UserFactory,
    case_world,
    citizen,
    draft_application,
    enterprise_for,
    officer,
    submitted_case,
)
from tests.snapshots import snapshot
from yiwang.cases.models import Case
from yiwang.identity import services as identity_services
from yiwang.identity.models import Role

pytestmark = pytest.mark.django_db

# --- who ---------------------------------------------------------------------------------------

#: The actors, and the identity roles they hold for the case's department ("dept"), for
#: another department ("other"), for a deactivated one ("closed", whose case they try), or
#: city-wide ("city"); "owner" applied.
ACTORS = [
    "anonymous", "owner", "other_citizen", "enterprise_agent",
    "clerk", "reviewer", "approver", "handler", "supervisor",
    "clerk_elsewhere", "supervisor_elsewhere", "former_clerk",
    "hotline_operator", "catalog_admin", "city_leader", "integrator",
]  # fmt: skip
DEPARTMENT_OFFICERS = {"clerk", "reviewer", "approver", "handler", "supervisor"}
#: Who may give each officer command at all, in this case's workflow (licensing).
COMMAND_ROLES = {
    "accept": {"clerk"},
    "reject": {"clerk"},
    "request_supplement": {"clerk", "reviewer"},
    "start_special_procedure": {"reviewer"},
    "finish_special_procedure": {"reviewer"},
    "record_inspection": {"reviewer"},
    "review": {"reviewer"},
    "return_for_review": {"approver"},
    "extend": {"approver"},
    "approve": {"approver"},
    "deny": {"approver"},
    "issue_certificate": {"approver"},
    "complete": {"approver"},
}
#: Who sees the applicant's personal data in full, and so may open the files.
PROCESSORS = {"clerk", "reviewer", "approver", "handler"}


@dataclass
class World:
    case: Case
    closed_case: Case
    users: dict[str, Any]

    def client(self, actor: str) -> Client:
        client = Client()
        if actor != "anonymous":
            client.force_login(self.users[actor])
        return client

    def case_for(self, actor: str) -> Case:
        return self.closed_case if actor == "former_clerk" else self.case


@pytest.fixture
def world() -> World:
    home = case_world()
    case = submitted_case(home)
    elsewhere, closed = case_world(), case_world()
    closed_case = submitted_case(closed)
    closed.department.is_active = False
    closed.department.save(update_fields=["is_active"])

    def city(role: str):
        user = UserFactory()
        identity_services.role_assign(user=user, role=role, department=None, actor=None)
        return user

    agent = citizen(name="王经理")
    enterprise_for(agent)
    users = {
        "owner": home.applicant,
        "other_citizen": citizen(name="李四"),
        "enterprise_agent": agent,
        "clerk": home.clerk,
        "reviewer": home.reviewer,
        "approver": home.approver,
        "handler": officer(home.department, Role.DEPARTMENT_HANDLER),
        "supervisor": home.supervisor,
        "clerk_elsewhere": elsewhere.clerk,
        "supervisor_elsewhere": elsewhere.supervisor,
        "former_clerk": closed.clerk,
        "hotline_operator": city(Role.HOTLINE_OPERATOR),
        "catalog_admin": city(Role.CATALOG_ADMIN),
        "city_leader": city(Role.CITY_LEADER),
        "integrator": city(Role.INTEGRATOR),
    }
    return World(case=case, closed_case=closed_case, users=users)


# --- what --------------------------------------------------------------------------------------

Request = Callable[[Client, Case], Any]


def api_post(path: str, body: dict | None = None) -> Request:
    return lambda client, case: client.post(
        path.format(n=case.number, m=case.application.materials.first().pk),
        {"expected_version": case.version, **(body or {})},
        "application/json",
    )


def api_get(path: str) -> Request:
    return lambda client, case: client.get(
        path.format(n=case.number, m=case.application.materials.first().pk)
    )


def page_get(name: str, key: str = "number") -> Request:
    def get(client: Client, case: Case):
        value = case.application.materials.first().pk if key == "material_id" else case.number
        return client.get(reverse(name, kwargs={key: value}))

    return get


def page_post(name: str, data: dict, **kwargs: str) -> Request:
    return lambda client, case: client.post(
        reverse(name, kwargs={"number": case.number, **kwargs}),
        {"expected_version": case.version, **data},
    )


def command_body(name: str) -> dict[str, Any]:
    fields = {
        "reject": {"reason": "不符合条件"},
        "request_supplement": {"items": [{"name": "身份证明", "reason": "不清晰"}]},
        "start_special_procedure": {
            "procedure": "inspection",
            "reason": "现场核查",
            "expected_days": 5,
        },
        "extend": {"reason": "情况复杂"},
        "record_inspection": {"findings": "与材料一致"},
        "review": {"outcome": "approve", "opinion": "建议准予"},
        "return_for_review": {"reason": "再核实"},
        "deny": {"reason": "不符合条件", "legal_basis": "《行政许可法》第三十八条"},
    }.get(name)
    return {"fields": fields} if fields else {}


WORKBENCH_FIELDS = {
    "accept": {},
    "reject": {"reason": "不符合条件"},
    "approve": {"legal_basis": "《行政许可法》第三十八条"},
}


def applicant_only(actor: str) -> bool:
    return actor == "owner"


def department_officer(actor: str) -> bool:
    return actor in DEPARTMENT_OFFICERS


def file_reader(actor: str) -> bool:
    return actor == "owner" or actor in PROCESSORS


def may_command(name: str) -> Callable[[str], bool]:
    return lambda actor: actor in COMMAND_ROLES[name]


#: operation → (request, who is allowed)
OPERATIONS: dict[str, tuple[Request, Callable[[str], bool]]] = {
    # the applicant's API: only the owner, everyone else 404 (never revealed)
    "api: my case": (api_get("/api/v1/cases/{n}"), applicant_only),
    "api: withdraw": (api_post("/api/v1/cases/{n}/withdraw", {"reason": "不办了"}), applicant_only),
    "api: rate": (api_post("/api/v1/cases/{n}/rating", {"level": 5}), applicant_only),
    "api: answer supplements": (api_post("/api/v1/cases/{n}/supplements/answer"), applicant_only),
    "api: a file": (api_get("/api/v1/materials/{m}/file"), file_reader),
    # the officers' API: officers of the department (commands: the roles of the workflow)
    "api: officer case": (api_get("/api/v1/officer/cases/{n}"), department_officer),
    "api: claim": (api_post("/api/v1/officer/cases/{n}/claim"), department_officer),
    **{
        f"api: {name}": (
            api_post(f"/api/v1/officer/cases/{{n}}/commands/{name}", command_body(name)),
            may_command(name),
        )
        for name in COMMAND_ROLES
    },
    # the workbench
    "workbench: case page": (page_get("workbench:case"), department_officer),
    "workbench: a file": (page_get("workbench:material", "material_id"), lambda a: a in PROCESSORS),
    "workbench: claim": (page_post("workbench:claim", {}), department_officer),
    **{
        f"workbench: {name}": (
            page_post("workbench:command", WORKBENCH_FIELDS[name], command=name),
            may_command(name),
        )
        for name in ("accept", "reject", "approve")
    },
    # a legal decision's confirmation page: only for the roles that may decide
    "workbench: confirm approve": (
        page_post("workbench:command", {"confirmed": ""}, command="approve"),
        may_command("approve"),
    ),
    # the portal
    "portal: my case": (page_get("portal:case_detail"), applicant_only),
    "portal: a file": (page_get("portal:material_download", "material_id"), file_reader),
    "portal: rate": (page_post("portal:case_rate", {"level": "5"}), applicant_only),
    "portal: withdraw": (page_post("portal:case_withdraw", {"reason": "不办了"}), applicant_only),
}


def refused(actor: str, status: int) -> bool:
    if actor == "anonymous":
        return status in (302, 401)  # pages send to the login page, the API answers 401
    return status in (403, 404)


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_each_role_may_do_exactly_what_its_role_allows(world, operation):
    request, allowed = OPERATIONS[operation]
    wrong = []
    for actor in ACTORS:
        # Each actor meets the world as it was: what an allowed request changed is rolled back.
        with transaction.atomic():
            case = world.case_for(actor)
            before = snapshot(case)
            status = request(world.client(actor), case).status_code
            if allowed(actor) and actor != "former_clerk":
                if refused(actor, status) or status in (401, 403, 404) or status >= 500:
                    wrong.append((actor, status, "should be allowed"))
            elif not refused(actor, status):
                wrong.append((actor, status, "should be refused"))
            elif snapshot(case) != before:
                wrong.append((actor, status, "refused, but something changed"))
            transaction.set_rollback(True)

    assert wrong == []


def test_the_queue_shows_each_officer_only_their_departments_cases(world):
    number = world.case.number
    seen = {}
    for actor in ACTORS:
        response = world.client(actor).get("/api/v1/officer/cases")
        seen[actor] = (
            response.status_code,
            number in {row["number"] for row in response.json().get("results", [])}
            if response.status_code == 200
            else None,
        )

    for actor in DEPARTMENT_OFFICERS:
        assert seen[actor] == (200, True), actor
    for actor in ("clerk_elsewhere", "supervisor_elsewhere"):
        assert seen[actor] == (200, False), actor
    assert seen["anonymous"][0] == 401
    for actor in set(ACTORS) - DEPARTMENT_OFFICERS - {
        "anonymous", "clerk_elsewhere", "supervisor_elsewhere",
    }:  # fmt: skip
        assert seen[actor][0] == 403, actor


def test_a_draft_is_its_applicants_alone(world):
    draft = draft_application(applicant=world.users["owner"], service=world.case.service_version)
    for actor in ACTORS:
        response = world.client(actor).get(f"/api/v1/applications/{draft.pk}")
        page = world.client(actor).get(
            reverse("portal:application_detail", kwargs={"application_id": draft.pk})
        )
        if actor == "owner":
            assert (response.status_code, page.status_code) == (200, 200)
        elif actor == "anonymous":
            assert (response.status_code, page.status_code) == (401, 302)
        else:
            assert (response.status_code, page.status_code) == (404, 404), actor
