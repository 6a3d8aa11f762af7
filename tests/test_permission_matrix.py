"""Who may do what, in one table: every role × every operation of the API, the workbench, the
portal and the inbox that touches an applicant's case, draft, files, notices or notifications
or an integrator's webhooks, against one object of each.

The expectations are written by hand from DESIGN.md's user table and the law (the licensing
path: 受理员 accepts/rejects/asks for supplements at intake; 审核 reviews, asks for supplements
in review, holds special procedures; 审批 decides, extends once, issues, completes; 督办
assigns and reassigns; integrators alone keep webhooks), not read from the code. "Allowed"
means the request passes the permission checks: it may still meet a business refusal (409
wrong step, 422 a missing field), never 401/403/404; for a list, that it lists the object.
Every refused request leaves the case, its timeline, its workflow, its materials, the
drafts, the webhooks, the notifications and every audit entry exactly as they were.

:func:`test_every_operation_is_in_the_matrix` walks the API's OpenAPI document and the URL
resolver: an operation that is neither a row here nor in ``ELSEWHERE`` (with where it is
checked) fails it, so a new endpoint cannot be forgotten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.static import serve as static_serve

from tests.factories import (
    UserFactory,
    case_world,
    citizen,
    draft_application,
    enterprise_for,
    officer,
    submitted_case,
    upload,
)
from tests.matrix_requests import Body, Request, Target, api_request, body_of, page_request
from tests.snapshots import snapshot
from yiwang.api.urls import api
from yiwang.cases.models import Case, CaseNotice
from yiwang.cases.services.notices import notice_issue
from yiwang.core.models import AuditEntry
from yiwang.identity import services as identity_services
from yiwang.identity.models import Role
from yiwang.integrations.models import WebhookDelivery, WebhookEndpoint
from yiwang.integrations.services import webhook_endpoint_register
from yiwang.notifications.models import Notification
from yiwang.notifications.services import notify
from yiwang.workbench.forms import COMMAND_FORMS

pytestmark = pytest.mark.django_db

# --- who ---------------------------------------------------------------------------------------

#: The actors, and the identity roles they hold for the case's department ("dept"), for
#: another department ("other"), for a deactivated one ("closed", whose case they try), or
#: city-wide ("city"); "owner" applied, and owns the draft.
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
#: Who sees the applicant's personal data in full, and so may open the files and notices.
PROCESSORS = {"clerk", "reviewer", "approver", "handler"}


@dataclass
class World:
    """One department's submitted case with an acceptance notice, the same in a deactivated
    department, the owner's draft, an integrator's webhook, an actor per role signed in."""

    case: Case
    closed_case: Case
    draft: Any
    users: dict[str, Any]
    clients: dict[str, Client]
    #: What a request's path and body are made of, for the case and for the closed case.
    home: dict[str, Any]
    closed: dict[str, Any]
    #: The stored state every refused request must leave as it was.
    state: dict[str, Any]

    def target(self, actor: str) -> dict[str, Any]:
        return self.closed if actor == "former_clerk" else self.home


def world_state(world: World) -> dict[str, Any]:
    def rows(model: Any) -> list[dict[str, Any]]:
        return list(model.objects.order_by("pk").values())

    return {
        **snapshot(world.case, world.closed_case, drafts=[world.draft]),
        "webhooks": rows(WebhookEndpoint),
        "deliveries": rows(WebhookDelivery),
        "notifications": rows(Notification),
    }


def build_world() -> World:
    home = case_world()
    case = submitted_case(home)
    elsewhere, closed = case_world(), case_world()
    closed_case = submitted_case(closed)
    # A notice to open. Issued as such (the acceptance notice), not by accepting, so that the
    # case stays at intake, where the clerk's commands can run.
    for world, one in ((home, case), (closed, closed_case)):
        with transaction.atomic():
            notice_issue(
                case=one, kind=CaseNotice.Kind.ACCEPTANCE, actor=world.clerk, at=one.received_at
            )
    identity_services.department_set_active(department=closed.department, active=False, actor=None)
    draft = draft_application(home)

    def city(role: str):
        user = UserFactory()
        identity_services.role_assign(user=user, role=role, department=None, actor=None)
        return user

    agent = citizen(name="王经理")
    enterprise = enterprise_for(agent)
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
    endpoint = webhook_endpoint_register(
        owner=users["integrator"], url="https://8.8.8.8/yiwang", event_types=["case.decided"]
    ).endpoint
    # The owner's notification of the notice (the notice above was issued without its act).
    with transaction.atomic():
        notification = notify(
            user=home.applicant, case=case, kind="accepted", context={"number": case.number}
        )
    clients = {"anonymous": Client()}
    for actor, user in users.items():
        clients[actor] = Client()
        clients[actor].force_login(user)

    def target(world: Any, one: Case) -> dict[str, Any]:
        return {
            "number": one.number,
            "version": one.version,
            "material": one.application.materials.order_by("pk").first().pk,
            "notice": one.notices.get().pk,
            "assignee": world.reviewer.pk,
            "service": world.service.item.code,
            "service_material": world.required_materials[0].pk,
            "draft": draft.pk,
            "draft_material": draft.materials.order_by("pk").first().pk,
            "webhook": endpoint.pk,
            "notification": notification.pk,
            "uscc": enterprise.uscc,
        }

    made = World(
        case=case,
        closed_case=closed_case,
        draft=draft,
        users=users,
        clients=clients,
        home=target(home, case),
        closed=target(closed, closed_case),
        state={},
    )
    made.state = world_state(made)
    return made


@pytest.fixture(scope="module")
def world(module_data) -> Iterator[World]:
    """Built once for the module (each actor's request is rolled back after it)."""
    with module_data(build_world) as built:
        yield built


# --- what --------------------------------------------------------------------------------------


def _body(body: Body | None, t: Target) -> dict[str, Any]:
    return {"expected_version": t["version"], **body_of(body, t)}


def api_call(
    method: str, path: str, body: Body | None = None, *, file: bool = False, covers: str = ""
) -> Request:
    """``path`` as in the OpenAPI document; ``{number}``… are filled from the target."""

    def url(t: Target) -> str:
        return "/api/v1" + path.format(
            number=t["number"],
            application_id=t["draft"],
            material_id=t["material"],
            notice_id=t["notice"],
            endpoint_id=t["webhook"],
        )

    return api_request(
        method,
        path,
        url,
        lambda t: _body(body, t),
        file=("file", upload) if file else None,
        covers=covers,
    )


def page(
    method: str,
    name: str,
    body: Body | None = None,
    *,
    file: bool = False,
    command: str = "",
    **keys: str,
) -> Request:
    """The page ``name``; its URL's arguments are ``keys`` (argument → key of the target),
    and the workbench action ``command``."""
    return page_request(
        method,
        name,
        lambda t: _body(body, t),
        keys,
        extra={"command": command} if command else None,
        file=("file", upload) if file else None,
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


#: Valid fields of each workbench action form (a form that fails to validate would answer
#: 422 before the role is checked).
WORKBENCH_FIELDS: dict[str, dict[str, Any]] = {
    "accept": {},
    "reject": {"reason": "不符合条件"},
    "request_supplement": {"other_1_name": "身份证明", "other_1_reason": "不清晰"},
    "start_special_procedure": {
        "procedure": "inspection",
        "reason": "现场核查",
        "expected_days": 5,
    },
    "finish_special_procedure": {"note": "核查结束"},
    "record_inspection": {"findings": "与材料一致"},
    "review": {"outcome": "approve", "opinion": "建议准予"},
    "return_for_review": {"reason": "再核实"},
    "extend": {"reason": "情况复杂"},
    "approve": {"legal_basis": "《行政许可法》第三十八条"},
    "deny": {"reason": "不符合条件", "legal_basis": "《行政许可法》第三十八条"},
    "issue_certificate": {},
    "complete": {},
}

Allowed = Callable[[str], bool]


def applicant_only(actor: str) -> bool:
    return actor == "owner"


def signed_in(actor: str) -> bool:
    return actor != "anonymous"


def department_officer(actor: str) -> bool:
    return actor in DEPARTMENT_OFFICERS


def processor(actor: str) -> bool:
    return actor in PROCESSORS


def file_reader(actor: str) -> bool:
    return actor == "owner" or actor in PROCESSORS


def supervisor_of_the_department(actor: str) -> bool:
    return actor == "supervisor"


def integrator_only(actor: str) -> bool:
    return actor == "integrator"


def may_command(name: str) -> Allowed:
    return lambda actor: actor in COMMAND_ROLES[name]


#: A list's check: whether the response (200) lists the object.
Shows = Callable[[HttpResponse, Target], bool]


def lists_case_api(response: HttpResponse, t: Target) -> bool:
    return t["number"] in {row["number"] for row in response.json()["results"]}


def lists_webhook(response: HttpResponse, t: Target) -> bool:
    return t["webhook"] in {row["id"] for row in response.json()}


def lists_on_page(key: str, name: str = "", arg: str = "") -> Shows:
    """The page shows the target's ``key`` (or the URL ``name`` with it as ``arg``)."""

    def shows(response: HttpResponse, t: Target) -> bool:
        text = reverse(name, kwargs={arg: t[key]}) if name else str(t[key])
        return text in response.content.decode()

    return shows


@dataclass(frozen=True)
class Row:
    request: Request
    allowed: Allowed
    shows: Shows | None = None


ASSIGN = {"assignee_id": 0}

#: operation → who is allowed
OPERATIONS: dict[str, Row] = {
    # --- the applicant's API: only the owner, everyone else 404 (never revealed)
    "api: start an application": Row(
        api_call("POST", "/applications", lambda t: {"service_code": t["service"]}), signed_in
    ),
    "api: start one for an enterprise": Row(
        api_call(
            "POST",
            "/applications",
            lambda t: {"service_code": t["service"], "enterprise_uscc": t["uscc"]},
        ),
        lambda actor: actor == "enterprise_agent",
    ),
    "api: my draft": Row(api_call("GET", "/applications/{application_id}"), applicant_only),
    "api: save the draft": Row(
        api_call(
            "PATCH", "/applications/{application_id}", {"form_data": {"applicant_name": "张三"}}
        ),
        applicant_only,
    ),
    "api: upload to the draft": Row(
        api_call(
            "POST",
            "/applications/{application_id}/materials",
            lambda t: {"material_id": t["service_material"]},
            file=True,
        ),
        applicant_only,
    ),
    "api: submit the draft": Row(
        api_call("POST", "/applications/{application_id}/submit"), applicant_only
    ),
    "api: my cases": Row(api_call("GET", "/cases"), applicant_only, lists_case_api),
    "api: my case": Row(api_call("GET", "/cases/{number}"), applicant_only),
    "api: my documents": Row(api_call("GET", "/cases/{number}/documents"), applicant_only),
    "api: withdraw": Row(
        api_call("POST", "/cases/{number}/withdraw", {"reason": "不办了"}), applicant_only
    ),
    "api: rate": Row(api_call("POST", "/cases/{number}/rating", {"level": 5}), applicant_only),
    "api: upload a supplement": Row(
        api_call(
            "POST",
            "/cases/{number}/supplements/materials",
            lambda t: {"material_id": t["service_material"]},
            file=True,
        ),
        applicant_only,
    ),
    "api: answer supplements": Row(
        api_call("POST", "/cases/{number}/supplements/answer"), applicant_only
    ),
    "api: a file": Row(api_call("GET", "/materials/{material_id}/file"), file_reader),
    "api: a document": Row(api_call("GET", "/documents/{notice_id}/file"), file_reader),
    # --- the officers' API: officers of the department (commands: the roles of the workflow)
    "api: officer queue": Row(
        api_call("GET", "/officer/cases"), department_officer, lists_case_api
    ),
    "api: officer case": Row(api_call("GET", "/officer/cases/{number}"), department_officer),
    "api: officer documents": Row(api_call("GET", "/officer/cases/{number}/documents"), processor),
    "api: claim": Row(api_call("POST", "/officer/cases/{number}/claim"), department_officer),
    "api: assign": Row(
        api_call(
            "POST", "/officer/cases/{number}/assign", lambda t: {"assignee_id": t["assignee"]}
        ),
        supervisor_of_the_department,
    ),
    # The case is unassigned: no assignee who could hand it on, only the supervisor.
    "api: reassign": Row(
        api_call(
            "POST",
            "/officer/cases/{number}/assign",
            lambda t: {"assignee_id": t["assignee"], "reason": "转办"},
        ),
        supervisor_of_the_department,
    ),
    **{
        f"api: {name}": Row(
            api_call("POST", f"/officer/cases/{{number}}/commands/{name}", command_body(name)),
            may_command(name),
        )
        for name in COMMAND_ROLES
    },
    # a command the workflow does not have (the operation the OpenAPI document leaves out)
    "api: an unknown command": Row(
        api_call(
            "POST", "/officer/cases/{number}/commands/fly", covers="api:officer_command_unknown"
        ),
        lambda actor: False,
    ),
    # --- webhooks: integrators alone, each their own endpoints
    "api: my webhooks": Row(api_call("GET", "/webhooks"), integrator_only, lists_webhook),
    "api: register a webhook": Row(
        api_call(
            "POST",
            "/webhooks",
            {"url": "https://8.8.4.4/hook", "event_types": ["case.decided"]},
        ),
        integrator_only,
    ),
    "api: stop a webhook": Row(api_call("DELETE", "/webhooks/{endpoint_id}"), integrator_only),
    "api: a webhook's deliveries": Row(
        api_call("GET", "/webhooks/{endpoint_id}/deliveries"), integrator_only
    ),
    # --- the workbench: officers of the department
    "workbench: queue": Row(
        page("GET", "workbench:queue"), department_officer, lists_on_page("number")
    ),
    "workbench: case page": Row(page("GET", "workbench:case", number="number"), department_officer),
    "workbench: a file": Row(page("GET", "workbench:material", material_id="material"), processor),
    "workbench: a document": Row(page("GET", "workbench:notice", notice_id="notice"), processor),
    "workbench: claim": Row(page("POST", "workbench:claim", number="number"), department_officer),
    "workbench: assign": Row(
        page("POST", "workbench:assign", lambda t: {"assignee": t["assignee"]}, number="number"),
        supervisor_of_the_department,
    ),
    "workbench: reassign": Row(
        page(
            "POST",
            "workbench:reassign",
            lambda t: {"assignee": t["assignee"], "reason": "转办"},
            number="number",
        ),
        supervisor_of_the_department,
    ),
    **{
        f"workbench: {name}": Row(
            page("POST", "workbench:command", fields, number="number", command=name),
            may_command(name),
        )
        for name, fields in WORKBENCH_FIELDS.items()
    },
    # a legal decision's confirmation page: only for the roles that may decide
    "workbench: confirm approve": Row(
        page("POST", "workbench:command", {"confirmed": ""}, number="number", command="approve"),
        may_command("approve"),
    ),
    # the supervisors' own tasks (no object of another's: any department's supervisor)
    "workbench: rectifications": Row(
        page("GET", "workbench:rectifications"),
        lambda actor: actor in {"supervisor", "supervisor_elsewhere"},
    ),
    # --- the portal: the applicant's
    "portal: start an application": Row(
        page("GET", "portal:application_start", code="service"), signed_in
    ),
    "portal: my applications": Row(
        page("GET", "portal:application_list"),
        applicant_only,
        lists_on_page("draft", "portal:application_detail", "application_id"),
    ),
    "portal: my draft": Row(
        page("GET", "portal:application_detail", application_id="draft"), applicant_only
    ),
    "portal: the draft's form": Row(
        page("POST", "portal:application_form", {"applicant_name": "张三"}, application_id="draft"),
        applicant_only,
    ),
    "portal: upload to the draft": Row(
        page(
            "POST",
            "portal:application_materials",
            lambda t: {"material_id": t["service_material"]},
            file=True,
            application_id="draft",
        ),
        applicant_only,
    ),
    "portal: remove a draft's file": Row(
        page(
            "POST",
            "portal:application_material_remove",
            application_id="draft",
            material_id="draft_material",
        ),
        applicant_only,
    ),
    "portal: check and submit": Row(
        page("POST", "portal:application_check", application_id="draft"), applicant_only
    ),
    "portal: my cases": Row(
        page("GET", "portal:case_list"), applicant_only, lists_on_page("number")
    ),
    "portal: my case": Row(page("GET", "portal:case_detail", number="number"), applicant_only),
    "portal: upload a supplement": Row(
        page(
            "POST",
            "portal:case_supplement_upload",
            lambda t: {"material_id": t["service_material"]},
            file=True,
            number="number",
        ),
        applicant_only,
    ),
    "portal: hand in supplements": Row(
        page("POST", "portal:case_supplement_submit", number="number"), applicant_only
    ),
    "portal: withdraw": Row(
        page("POST", "portal:case_withdraw", {"reason": "不办了"}, number="number"), applicant_only
    ),
    "portal: rate": Row(
        page("POST", "portal:case_rate", {"level": "5"}, number="number"), applicant_only
    ),
    "portal: a file": Row(
        page("GET", "portal:material_download", material_id="material"), file_reader
    ),
    "portal: a document": Row(
        page("GET", "portal:notice_download", notice_id="notice"), file_reader
    ),
    # --- the inbox: each their own notifications
    "inbox": Row(
        page("GET", "notifications:inbox"),
        applicant_only,
        lists_on_page("notification", "notifications:mark_read", "pk"),
    ),
    "inbox: mark read": Row(
        page("POST", "notifications:mark_read", pk="notification"), applicant_only
    ),
    # one's own (the owner's stay unread for another: see the refusals' state)
    "inbox: mark all read": Row(page("POST", "notifications:mark_all_read"), signed_in),
}


def refused(actor: str, status: int) -> bool:
    if actor == "anonymous":
        return status in (302, 401)  # pages send to the login page, the API answers 401
    return status in (403, 404)


#: What a request writes that is no state of the world: the session, saved on every request
#: (its idle time, ``identity.middleware``).
BOOKKEEPING = ('"django_session"',)


def writes(queries: list[dict[str, str]]) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
        and not any(table in q["sql"] for table in BOOKKEEPING)
    ]


def misjudged(world: World, row: Row) -> list[tuple[str, int, str]]:
    """Every actor's request of ``row``, each rolled back after it: those answered otherwise
    than the row expects, and the refusals that changed the world."""
    wrong = []
    for actor in ACTORS:
        target = world.target(actor)
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            response = row.request(world.clients[actor], target)
            status = response.status_code
            listed = row.shows(response, target) if row.shows and status == 200 else None
            if row.allowed(actor):
                if refused(actor, status) or status in (401, 403, 404) or status >= 500:
                    wrong.append((actor, status, "should be allowed"))
                elif listed is False:
                    wrong.append((actor, status, "should be listed"))
            elif not (refused(actor, status) or listed is False):
                wrong.append((actor, status, "should be refused"))
            # A refusal that wrote nothing changed nothing; one that wrote is compared in full.
            elif writes(queries.captured_queries) and world_state(world) != world.state:
                wrong.append((actor, status, "refused, but something changed"))
            transaction.set_rollback(True)
    return wrong


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_each_role_may_do_exactly_what_its_role_allows(world, operation):
    assert misjudged(world, OPERATIONS[operation]) == []


def test_the_officers_queue_is_refused_to_who_is_no_officer(world):
    """Beyond the row (which takes an empty list as a refusal): officers of another
    department get their own queue, everyone who is no officer anywhere a 403."""
    statuses = {
        actor: world.clients[actor].get("/api/v1/officer/cases").status_code for actor in ACTORS
    }

    officers = DEPARTMENT_OFFICERS | {"clerk_elsewhere", "supervisor_elsewhere"}
    assert statuses == {
        actor: 200 if actor in officers else 401 if actor == "anonymous" else 403
        for actor in ACTORS
    }


def test_a_refusal_that_rewrites_an_audit_entry_is_seen(world):
    def rewrite(client: Client, t: Target) -> HttpResponse:
        AuditEntry.objects.filter(pk=AuditEntry.objects.order_by("-pk")[0].pk).update(
            data={"rewritten": True}
        )
        return HttpResponse(status=401 if client is world.clients["anonymous"] else 404)

    wrong = misjudged(world, Row(rewrite, lambda actor: False))

    assert wrong == [
        (actor, 401 if actor == "anonymous" else 404, "refused, but something changed")
        for actor in ACTORS
    ]


# --- every operation is in the matrix ------------------------------------------------------------

#: The city-operations matrix: every role × every events API operation and /city/ page and
#: action (who sees which event through the selectors: tests/events/test_permissions.py).
EVENT_MATRIX = "tests/events/test_permission_matrix.py"

#: Operations that are not rows here, and where (or why not) they are checked. A prefix
#: (ending in "/" or ":") stands for every operation under it.
ELSEWHERE: dict[str, str] = {
    # city operations have their own matrix
    "GET /api/v1/events": EVENT_MATRIX,
    "POST /api/v1/events": EVENT_MATRIX,
    "GET /api/v1/events/": EVENT_MATRIX,
    "POST /api/v1/events/": EVENT_MATRIX,
    "city:": EVENT_MATRIX,
    # Open311 GeoReport v2: public reads, writes with its own API keys
    "open311:": "tests/events/test_open311.py",
    # the public catalog and the API's own documents: nothing of anyone's to protect
    "GET /api/v1/services": "public",
    "GET /api/v1/services/": "public",
    "GET /api/v1/departments": "public",
    "GET /api/v1/topics": "public",
    "api:openapi-json": "public",
    "api:openapi-view": "public",
    "api:api-root": "public",
    # a bad rating's task (and the applicant's rating of its reply) needs a closed, rated
    # case: its roles are checked on the demo city
    "workbench:rectification_reply": "tests/demo/test_rectification_roles.py",
    "portal:case_follow_up": "tests/demo/test_rectification_roles.py",
    # the portal's public pages
    "portal:home": "public",
    "portal:search": "public",
    "portal:service_list": "public",
    "portal:service_guide": "public",
    "portal:service_version": "public",
    "portal:guide_file": "public",
    "portal:department_list": "public",
    "portal:department_detail": "public",
    "portal:topic_list": "public",
    "portal:topic_detail": "public",
    "portal:accessibility": "public",
    # signing in, registering, resetting a password; the language; the probes
    "identity:": "public (tests/identity)",
    "set_language": "public",
    "healthz": "public",
    "readyz": "public",
    "favicon.ico": "public",  # tests/portal/test_favicon.py
    # Django's admin: staff with model permissions only (tests/*/test_admin.py)
    "admin:": "tests/identity/test_admin.py",
}


def api_operations() -> set[str]:
    """Every operation of the API's OpenAPI document ("METHOD /api/v1/path"), and by its URL
    name ("api:name") every one the document leaves out."""
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    found, ids = set(), set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            found.add(f"{method.upper()} {path}")
            ids.add(operation["operationId"])
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "api":
            for inner in pattern.url_patterns:
                if not any(i.endswith(f"_api_{inner.name}") for i in ids):
                    found.add(f"api:{inner.name}")
    return found


def page_operations() -> set[str]:
    """Every named URL outside the API (namespace:name), the workbench's actions one each."""
    found: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or ""
                walk(pattern.url_patterns, f"{namespace}{inner}:" if inner else namespace)
            elif isinstance(pattern, URLPattern) and namespace != "api:":
                if pattern.callback is static_serve:
                    continue  # the uploads served in development (DEBUG when urls.py loaded)
                name = f"{namespace}{pattern.name or pattern.pattern}"
                if name == "workbench:command":
                    found.update(f"{name} {command}" for command in COMMAND_FORMS)
                else:
                    found.add(name)

    walk(get_resolver().url_patterns, "")
    return found


def elsewhere(operation: str) -> bool:
    return operation in ELSEWHERE or any(
        operation.startswith(key) for key in ELSEWHERE if key.endswith(("/", ":"))
    )


def checked_in(operation: str) -> str:
    """Where an operation that is ``elsewhere`` is checked."""
    if operation in ELSEWHERE:
        return ELSEWHERE[operation]
    return next(
        v for k, v in ELSEWHERE.items() if k.endswith(("/", ":")) and operation.startswith(k)
    )


def test_every_operation_is_in_the_matrix():
    every = api_operations() | page_operations()
    covered = {row.request.covers for row in OPERATIONS.values()}  # type: ignore[attr-defined]

    assert sorted(every - covered - {op for op in every if elsewhere(op)}) == []
    assert sorted(covered - every) == []  # every row names a real operation
    root = Path(__file__).resolve().parents[1]
    for where in set(ELSEWHERE.values()) - {"public", "public (tests/identity)"}:
        assert (root / where).exists(), where
    unused = [key for key in ELSEWHERE if not any(op == key or op.startswith(key) for op in every)]
    assert unused == []
    # what is sent to the city-operations matrix is a row of it (each page action one)
    from tests.events.test_permission_matrix import covered as city_rows
    from tests.events.test_permission_matrix import events_operations

    sent = {op for op in every if elsewhere(op) and checked_in(op) == EVENT_MATRIX}
    actions = {op for op in events_operations() if op.startswith("city:action ")}
    assert "city:action" in sent and actions
    assert sorted((sent - {"city:action"} | actions) - city_rows()) == []
