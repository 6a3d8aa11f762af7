"""Who may do what in city operations (一网统管), in one table: every role × every operation of
the events API (``/api/v1/events…``) and every ``city:`` page and action, against one event
of each state.

The expectations are written by hand from issue 10's permissions and DESIGN.md's user table,
not read from the code: a department sees only its events (lead or supporting); a district
sees its district; operators see what they registered and the centre's queues (registered,
returned, answered awaiting callback); the centre's supervisors see the city; citizens only
their own reports; a deactivated department grants nothing. Who acts: operators register,
dispatch, merge, call back and close (话务员); the assigned departments' handlers sign and
handle, the lead one returns, disputes, replies and asks for the extension (承办人);
supervisors of the event dispatch and reassign with the centre, arbitrate, decide
extensions and issue 督办单 (督办); the reporter rates; the leader has the map; the
integrator their page. "Allowed" means the request passes the permission checks: it may
still meet a business refusal (409 wrong state, 422 a form error), never 401/403/404; for a
list, that it lists the event. Every refused request leaves the events, their history,
workflow, assignments, photos, extensions, orders, rating links, the knowledge base, the
notifications and every audit entry exactly as they were (``tests.snapshots.event_snapshot``).

:func:`test_every_events_operation_is_in_the_matrix` walks the OpenAPI document and the URL
resolver: an events operation or a ``city:`` URL (each page action) that is no row here
fails it. The reporter's masking and the public timeline are checked beside the matrix.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.clock import NOW
from tests.factories import (
    JINAN_WEST_STATION,
    DepartmentFactory,
    UserFactory,
    citizen,
    event_world,
    officer,
    registered_event,
)
from tests.matrix_requests import Body, Request, Target, api_request, body_of, page_request
from tests.snapshots import event_snapshot
from tests.test_permission_matrix import BOOKKEEPING, api_operations, page_operations, refused
from yiwang.events import services
from yiwang.events.models import Event, Status
from yiwang.events.services.rating import rating_links_issue, rating_token
from yiwang.events.views.work import DONE
from yiwang.identity import services as identity_services
from yiwang.identity.models import Department, Role

pytestmark = pytest.mark.django_db

# --- who ---------------------------------------------------------------------------------------

#: The actors. Every event lies in 历下区 and was registered by ``operator``; the main one
#: (``handling``) is led by 市城管局 (``handler_lead``) with 市生态环境局 (``handler_support``)
#: and a department deactivated since (``handler_closed``) supporting, and was reported by
#: ``reporter``. ``handler_other`` is of 市交通运输局, ``handler_street`` of a 历下 street
#: office; ``supervisor_centre`` of the 12345 centre, ``supervisor_district`` of 历下区's
#: office, ``supervisor_elsewhere`` of 市中区's.
ACTORS = [
    "anonymous", "reporter", "other_citizen",
    "operator", "other_operator",
    "handler_lead", "handler_support", "handler_other", "handler_street", "handler_closed",
    "supervisor_centre", "supervisor_district", "supervisor_elsewhere",
    "city_leader", "integrator",
]  # fmt: skip

OPERATORS = {"operator", "other_operator"}
ASSIGNED = {"handler_lead", "handler_support"}  # of an active department on the event
HANDLERS = ASSIGNED | {"handler_other", "handler_street"}  # of an active department
SUPERVISORS_OF_IT = {"supervisor_centre", "supervisor_district"}  # the city; 历下区
SUPERVISORS = SUPERVISORS_OF_IT | {"supervisor_elsewhere"}
#: Who sees the main event: its registering operator, its active departments, its
#: supervisors, and its reporter.
SEES_IT = {"operator", *ASSIGNED, *SUPERVISORS_OF_IT}
#: The events in the centre's queues (registered, answered): every operator sees them.
SEES_QUEUED = OPERATORS | SUPERVISORS_OF_IT
#: Everyone who works on events: the knowledge base and the map are theirs.
STAFF = OPERATORS | HANDLERS | SUPERVISORS | {"city_leader"}
SIGNED_IN = set(ACTORS) - {"anonymous"}


@dataclass
class World:
    events: dict[str, Event]
    users: dict[str, Any]
    clients: dict[str, Client]
    target: dict[str, Any]
    state: dict[str, Any]


def world_state(world: World) -> dict[str, Any]:
    return event_snapshot(*world.events.values())


JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def photo(name: str = "result.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


def build_world() -> World:
    w = event_world()
    closed = DepartmentFactory(code="jn-closed", name_zh="市撤并局", region=w.cgj.region)
    street = DepartmentFactory(
        code="lx-qcl",
        name_zh="泉城路街道办事处",
        region=w.lixia,
        kind=Department.Kind.STREET_OFFICE,
    )
    elsewhere = DepartmentFactory(code="sz-12345", name_zh="市中区热线办", region=w.shizhong)

    def city(role: str) -> Any:
        user = UserFactory()
        identity_services.role_assign(user=user, role=role, actor=None)
        return user

    users = {
        "reporter": w.citizen,
        "other_citizen": citizen(name="李四"),
        "operator": w.operator,
        "other_operator": city(Role.HOTLINE_OPERATOR),
        "handler_lead": w.handler_cgj,
        "handler_support": w.handler_sthj,
        "handler_other": w.handler_jtj,
        "handler_street": officer(street, Role.DEPARTMENT_HANDLER),
        "handler_closed": officer(closed, Role.DEPARTMENT_HANDLER),
        "supervisor_centre": w.supervisor,
        "supervisor_district": w.district_supervisor,
        "supervisor_elsewhere": officer(elsewhere, Role.SUPERVISOR),
        "city_leader": city(Role.CITY_LEADER),
        "integrator": city(Role.INTEGRATOR),
    }
    at = NOW - timedelta(hours=20)
    minute = timedelta(minutes=1)

    def registered(**kw: Any) -> Event:
        nonlocal at
        at += 10 * minute
        return registered_event(w, at=at, **kw)

    def from_directory(event: Event) -> Event:
        return services.event_dispatch(actor=w.operator, event=event, at=at + minute)

    # registered, and another of its category to merge it into; a third merged into that one
    new = registered()
    into = registered()
    merged = registered()
    services.event_merge(actor=w.operator, event=merged, into=into, at=at + minute)
    # the main one: the reporter's (a call from a resident with an account), being handled,
    # a result photo, an extension asked for, a 督办单 to the lead department
    handling = services.event_dispatch(
        actor=w.operator,
        event=registered(citizen=w.citizen),
        lead=w.cgj,
        supporting=[w.sthj, closed],
        reason="涉及多个部门",
        at=at + minute,
    )
    services.event_sign(actor=w.handler_cgj, event=handling, at=at + 2 * minute)
    services.event_handle(
        actor=w.handler_cgj, event=handling, note="已到场", photos=[photo()], at=at + 3 * minute
    )
    services.event_extend_request(
        actor=w.handler_cgj, event=handling, days=3, reason="需采购井盖", at=at + 4 * minute
    )
    order = services.supervision_issue(
        actor=w.supervisor, event=handling, note="请加快办理", at=at + 5 * minute
    )
    # disputed by its lead department: awaiting arbitration
    disputed = from_directory(registered())
    services.event_dispute(
        actor=w.handler_cgj, event=disputed, reason="不属于本单位职责", at=at + 2 * minute
    )
    # the reporter's (another call), answered: awaiting the callback
    replied = from_directory(registered(citizen=w.citizen))
    services.event_sign(actor=w.handler_cgj, event=replied, at=at + 2 * minute)
    services.event_reply(
        actor=w.handler_cgj,
        event=replied,
        outcome="resolved",
        result="已补装井盖",
        reply="已补装",
        at=at + 3 * minute,
    )
    # and a rating link for it (as a category called back by message sends)
    (link,) = rating_links_issue(replied, at=at + 4 * minute)
    identity_services.department_set_active(department=closed, active=False, actor=None)

    events = {
        "new": new,
        "into": into,
        "merged": merged,
        "handling": handling,
        "disputed": disputed,
        "replied": replied,
    }
    for event in events.values():
        event.refresh_from_db()
    assert [e.status for e in events.values()] == [
        Status.REGISTERED,
        Status.REGISTERED,
        Status.MERGED,
        Status.HANDLING,
        Status.ARBITRATION,
        Status.REPLIED,
    ]
    clients = {"anonymous": Client()}
    for actor, user in users.items():
        clients[actor] = Client()
        clients[actor].force_login(user)
    target = {
        **{name: event.number for name, event in events.items()},
        "photo": handling.photos.get().pk,
        "extension": handling.extensions.get().pk,
        "order": order.pk,
        "token": rating_token(link),
        "cgj": w.cgj.pk,
        "jtj": w.jtj.pk,
        "jtj_code": w.jtj.code,
        "cgj_code": w.cgj.code,
        "category": w.manhole.code,
        "point": JINAN_WEST_STATION,
    }
    made = World(events=events, users=users, clients=clients, target=target, state={})
    made.state = world_state(made)
    return made


@pytest.fixture(scope="module")
def world(module_data) -> Iterator[World]:
    """Built once for the module (each actor's request is rolled back after it)."""
    with module_data(build_world) as built:
        yield built


# --- what --------------------------------------------------------------------------------------


def api_call(
    method: str, path: str, body: Body | None = None, *, event: str = "handling", file: bool = False
) -> Request:
    """``path`` as in the OpenAPI document; ``{number}`` is the event ``event``'s."""
    return api_request(
        method,
        path,
        lambda t: "/api/v1" + path.format(number=t[event], photo_id=t["photo"]),
        lambda t: body_of(body, t),
        file=("file", photo) if file else None,
        query_on_get=True,
    )


def page(
    method: str,
    name: str,
    body: Body | None = None,
    *,
    action: str = "",
    file: bool = False,
    **keys: str,
) -> Request:
    """The page ``name``; its URL's arguments are ``keys`` (argument → key of the target),
    and the event page's ``action``."""
    return page_request(
        method,
        name,
        lambda t: body_of(body, t),
        keys,
        extra={"action": action} if action else None,
        file=("photos", photo) if file else None,
        query_on_get=True,
    )


Allowed = set[str]
#: A list's check: whether the response (200) lists the event.
Shows = Callable[[HttpResponse, Target], bool]


def lists_api(event: str) -> Shows:
    return lambda response, t: t[event] in {r["number"] for r in response.json()["results"]}


def lists_json(key: str, event: str) -> Shows:
    return lambda response, t: t[event] in {r["number"] for r in response.json()[key]}


def lists_on_page(event: str) -> Shows:
    return lambda response, t: t[event] in response.content.decode()


@dataclass(frozen=True)
class Row:
    request: Request
    allowed: Allowed
    shows: Shows | None = None


REPORT = {"category_code": "050101", "description": "井盖缺失", "address": "泉城路1号"}
REGISTER = {**REPORT, "reporter_phone": "13800000000", "reporter_name": "赵先生"}
RATING = {"satisfaction": "very_satisfied", "resolved": True}
PAGE_RATING = {"satisfaction": "very_satisfied", "resolved": "yes"}
NEAR = {"lat": "36.6617", "lon": "117.0196"}
INTAKE = {
    "phone": "13800000000",
    "name": "赵先生",
    "category": "050101",
    "address": "泉城路1号",
    "description": "井盖缺失",
    "urgency": "normal",
}

#: operation → who is allowed
OPERATIONS: dict[str, Row] = {
    # --- the officers' API: what their roles see (the reporter sees their own report)
    "api: events": Row(api_call("GET", "/events"), SEES_IT | {"reporter"}, lists_api("handling")),
    "api: an event": Row(api_call("GET", "/events/{number}"), SEES_IT | {"reporter"}),
    "api: its photos": Row(api_call("GET", "/events/{number}/photos"), SEES_IT | {"reporter"}),
    "api: a photo": Row(
        api_call("GET", "/events/{number}/photos/{photo_id}"), SEES_IT | {"reporter"}
    ),
    "api: register a call": Row(api_call("POST", "/events", REGISTER), OPERATORS),
    "api: dispatch": Row(api_call("POST", "/events/{number}/dispatch", event="new"), SEES_QUEUED),
    "api: merge": Row(
        api_call("POST", "/events/{number}/merge", lambda t: {"into": t["into"]}, event="new"),
        OPERATORS,
    ),
    "api: sign": Row(api_call("POST", "/events/{number}/sign", {}), ASSIGNED),
    "api: return": Row(
        api_call("POST", "/events/{number}/return", {"reason": "非本单位职责"}), {"handler_lead"}
    ),
    "api: dispute": Row(
        api_call("POST", "/events/{number}/dispute", {"reason": "非本单位职责"}), {"handler_lead"}
    ),
    "api: handle": Row(api_call("POST", "/events/{number}/handle", {"note": "已处置"}), ASSIGNED),
    "api: upload a result photo": Row(
        api_call("POST", "/events/{number}/photos", {"note": "处置后"}, file=True), ASSIGNED
    ),
    "api: reply": Row(
        api_call(
            "POST",
            "/events/{number}/reply",
            {"outcome": "resolved", "result": "已补装", "reply": "已补装"},
        ),
        {"handler_lead"},
    ),
    "api: ask for the extension": Row(
        api_call("POST", "/events/{number}/extension", {"days": 3, "reason": "需采购"}),
        {"handler_lead"},
    ),
    "api: decide the extension": Row(
        api_call("POST", "/events/{number}/extension/decision", {"approved": True}),
        SUPERVISORS_OF_IT,
    ),
    "api: arbitrate": Row(
        api_call(
            "POST",
            "/events/{number}/arbitration",
            lambda t: {
                "lead_department_code": t["jtj_code"],
                "fault": "centre",
                "decision": "由交通运输局办理",
            },
            event="disputed",
        ),
        SUPERVISORS_OF_IT,
    ),
    "api: issue a 督办单": Row(
        api_call("POST", "/events/{number}/supervision", {"note": "请加快"}), SUPERVISORS_OF_IT
    ),
    # --- the citizens' API: their own reports
    "api: my reports": Row(api_call("GET", "/events/mine"), {"reporter"}, lists_api("handling")),
    "api: one of my reports": Row(api_call("GET", "/events/mine/{number}"), {"reporter"}),
    # a city problem may be reported on the web by anyone signed in (an official is a resident)
    "api: report": Row(api_call("POST", "/events/mine", REPORT), SIGNED_IN),
    "api: rate my report": Row(
        api_call("POST", "/events/mine/{number}/rating", RATING, event="replied"), {"reporter"}
    ),
    # --- the centre's pages
    "page: landing": Row(page("GET", "city:landing"), SIGNED_IN),
    "page: console (register a call)": Row(page("POST", "city:console", INTAKE), OPERATORS),
    "page: console's categories": Row(
        page("GET", "city:categories_json", {"q": "井盖"}), OPERATORS
    ),
    "page: console's caller history": Row(
        page("GET", "city:caller_json", {"phone": "13905310001"}), OPERATORS
    ),
    "page: console's nearby events": Row(page("GET", "city:nearby_json", NEAR), OPERATORS),
    "page: knowledge base": Row(page("GET", "city:knowledge", {"q": "井盖"}), STAFF),
    # maintained by the centre: operators and supervisors
    "page: knowledge base, save an answer": Row(
        page(
            "POST",
            "city:knowledge",
            {"key": "manhole", "category": "050101", "title": "井盖", "body": "请拨打12345"},
        ),
        OPERATORS | SUPERVISORS,
    ),
    "page: knowledge search": Row(page("GET", "city:articles_json", {"q": "井盖"}), STAFF),
    "page: callbacks": Row(page("GET", "city:callbacks"), OPERATORS, lists_on_page("replied")),
    # --- the departments' and the supervisors' pages
    "page: queue": Row(page("GET", "city:queue"), ASSIGNED, lists_on_page("handling")),
    "page: board": Row(page("GET", "city:board"), SUPERVISORS_OF_IT, lists_on_page("disputed")),
    # the reporter is sent to their report page
    "page: event": Row(page("GET", "city:event", number="handling"), SEES_IT | {"reporter"}),
    "page: decide the extension": Row(
        page(
            "POST",
            "city:extension_decide",
            {"approved": "yes", "note": "同意"},
            number="handling",
            request_id="extension",
        ),
        SUPERVISORS_OF_IT,
    ),
    "page: answer the 督办单": Row(
        page(
            "POST",
            "city:order_answer",
            {"answer": "已加派人手"},
            number="handling",
            order_id="order",
        ),
        {"handler_lead"},
    ),
    "page: a photo": Row(page("GET", "city:photo", photo_id="photo"), SEES_IT | {"reporter"}),
    # --- each action of the event page
    "action: dispatch": Row(
        page("POST", "city:action", {}, action="dispatch", number="new"), SEES_QUEUED
    ),
    "action: merge": Row(
        page("POST", "city:action", lambda t: {"into": t["into"]}, action="merge", number="new"),
        OPERATORS,
    ),
    # 改派: the centre, of an event it sees
    "action: reassign": Row(
        page(
            "POST",
            "city:action",
            lambda t: {"lead": t["jtj"], "reason": "改派交通运输局"},
            action="reassign",
            number="handling",
        ),
        {"operator", *SUPERVISORS_OF_IT},
    ),
    "action: split": Row(
        page("POST", "city:action", {"reason": "不是同一事项"}, action="split", number="merged"),
        {"operator", *SUPERVISORS_OF_IT},
    ),
    "action: sign": Row(page("POST", "city:action", action="sign", number="handling"), ASSIGNED),
    "action: return": Row(
        page("POST", "city:action", {"reason": "非本单位职责"}, action="return", number="handling"),
        {"handler_lead"},
    ),
    "action: dispute": Row(
        page(
            "POST", "city:action", {"reason": "非本单位职责"}, action="dispute", number="handling"
        ),
        {"handler_lead"},
    ),
    "action: handle": Row(
        page("POST", "city:action", {"note": "已处置"}, action="handle", number="handling"),
        ASSIGNED,
    ),
    "action: handle with a photo": Row(
        page(
            "POST", "city:action", {"note": "处置后"}, action="handle", file=True, number="handling"
        ),
        ASSIGNED,
    ),
    "action: reply": Row(
        page(
            "POST",
            "city:action",
            {"outcome": "resolved", "result": "已补装", "reply": "已补装"},
            action="reply",
            number="handling",
        ),
        {"handler_lead"},
    ),
    "action: extend": Row(
        page(
            "POST",
            "city:action",
            {"days": 3, "reason": "需采购"},
            action="extend",
            number="handling",
        ),
        {"handler_lead"},
    ),
    "action: arbitrate": Row(
        page(
            "POST",
            "city:action",
            lambda t: {"lead": t["jtj"], "fault": "centre", "decision": "由交通运输局办理"},
            action="arbitrate",
            number="disputed",
        ),
        SUPERVISORS_OF_IT,
    ),
    "action: supervise": Row(
        page("POST", "city:action", {"note": "请加快"}, action="supervise", number="handling"),
        SUPERVISORS_OF_IT,
    ),
    "action: callback": Row(
        page("POST", "city:action", PAGE_RATING, action="callback", number="replied"), OPERATORS
    ),
    "action: close": Row(
        page("POST", "city:action", {"resolution": "无法联系"}, action="close", number="replied"),
        OPERATORS,
    ),
    # --- the overview: the map is every staff member's; the leader's shows the city
    "page: map": Row(page("GET", "city:map"), STAFF),
    "page: map's events": Row(
        page("GET", "city:map_data"), SEES_IT | {"city_leader"}, lists_json("events", "handling")
    ),
    "page: map's districts": Row(page("GET", "city:districts"), STAFF),
    "page: integrator": Row(page("GET", "city:integrator"), {"integrator"}),
    # --- the citizens' pages: their own reports (whoever sees the event sees its public page)
    "page: my reports": Row(page("GET", "city:reports"), {"reporter"}, lists_on_page("handling")),
    "page: report a problem": Row(
        page(
            "POST",
            "city:report_new",
            {"category": "050101", "description": "井盖缺失", "address": "泉城路1号"},
        ),
        SIGNED_IN,
    ),
    "page: a report": Row(page("GET", "city:report", number="handling"), SEES_IT | {"reporter"}),
    "page: rate a report": Row(
        page("POST", "city:report_rate", PAGE_RATING, number="replied"), {"reporter"}
    ),
    # the rating link is its own credential: anyone who holds it, signed in or not
    "page: rate by link": Row(page("GET", "city:rate", token="token"), set(ACTORS)),
}


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
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            response = row.request(world.clients[actor], world.target)
            status = response.status_code
            listed = row.shows(response, world.target) if row.shows and status == 200 else None
            if actor in row.allowed:
                if status in (401, 403, 404) or status >= 500 or refused(actor, status):
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


def test_a_refusal_that_changes_an_event_is_seen(world):
    def meddle(client: Client, t: Target) -> HttpResponse:
        Event.objects.filter(number=t["handling"]).update(description="改写")
        return HttpResponse(status=401 if client is world.clients["anonymous"] else 404)

    wrong = misjudged(world, Row(meddle, set()))

    assert wrong == [
        (actor, 401 if actor == "anonymous" else 404, "refused, but something changed")
        for actor in ACTORS
    ]


@pytest.mark.parametrize("how", ["api", "page"])
def test_an_action_that_takes_the_event_out_of_sight_says_it_was_done(world, how):
    """The other operator sees the new event only while it is in the centre's queue: their
    dispatch is answered with the event (API) or sends them to their own page, not a 404."""
    client, number = world.clients["other_operator"], world.target["new"]

    if how == "api":
        response = client.post(f"/api/v1/events/{number}/dispatch", {}, "application/json")
        assert response.status_code == 200
        assert response.json()["status"] == Status.DISPATCHED
    else:
        response = client.post(reverse("city:action", args=[number, "dispatch"]), follow=True)
        assert response.redirect_chain[0][0] == reverse("city:landing")
        assert response.status_code == 200
    assert Event.objects.get(number=number).status == Status.DISPATCHED
    assert client.get(f"/api/v1/events/{number}").status_code == 404


# --- how much of the reporter, and of the history ------------------------------------------------

#: Who sees the reporter of the main event (井盖: no contact needed) in full: the centre and
#: the reporter (whose own report page shows no reporter at all); its departments see them
#: masked.
IN_FULL = {"operator", *SUPERVISORS_OF_IT}


@pytest.mark.parametrize("read", ["api: an event", "page: event"])
def test_the_reporter_is_masked_to_the_departments(world, read):
    seen = {}
    for actor in sorted(OPERATIONS[read].allowed):
        response = OPERATIONS[read].request(world.clients[actor], world.target)
        if response.status_code == 302:  # the reporter's own page
            response = world.clients[actor].get(response["Location"])
        shown = text(response)
        seen[actor] = ("13905310001" in shown, "139****0001" in shown)

    own = {"reporter"} if read.startswith("api") else set()
    assert seen == {
        actor: (actor in IN_FULL | own, actor in ASSIGNED) for actor in OPERATIONS[read].allowed
    }


def test_the_reporter_sees_only_the_public_history(world):
    """The reporter's every read of their report shows the public entries, never a
    department's note (已到场) or the 督办单 (请加快办理)."""
    client = world.clients["reporter"]
    number = world.target["handling"]
    reads = [
        client.get(f"/api/v1/events/mine/{number}"),
        client.get(f"/api/v1/events/{number}"),
        client.get(reverse("city:report", args=[number])),
        client.get(reverse("city:event", args=[number]), follow=True),
    ]

    # what a department reads of it has both
    department = text(world.clients["handler_lead"].get(f"/api/v1/events/{number}"))

    assert [r.status_code for r in reads] == [200, 200, 200, 200]
    for response in reads:
        assert "已到场" not in text(response)
        assert "请加快办理" not in text(response)
    assert "已到场" in department
    assert "请加快办理" in department


def text(response: HttpResponse) -> str:
    """The page, or the JSON answer with its characters unescaped."""
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


# --- every operation is in the matrix ------------------------------------------------------------


def events_operations() -> set[str]:
    """Every events operation of the API and every ``city:`` URL, the event page's actions
    one each."""
    api = {op for op in api_operations() if op.split(" ", 1)[-1].startswith("/api/v1/events")}
    pages = {op for op in page_operations() if op.startswith("city:")} - {"city:action"}
    return api | pages | {f"city:action {action}" for action in DONE}


def covered() -> set[str]:
    """The operations the rows cover."""
    return {row.request.covers for row in OPERATIONS.values()}  # type: ignore[attr-defined]


def test_every_events_operation_is_in_the_matrix():
    every = events_operations()

    assert sorted(every - covered()) == []
    assert sorted(covered() - every) == []  # every row names a real operation
