"""The batch intake (docs/events.md, "Batch intake"): a batch of Open311 requests or IoT
alarms is registered and dispatched with the rows the one-by-one path writes — the same
events, history, assignments, deadlines, audit entries and notifications — in a number of
statements that does not grow with the batch; a refused record costs only itself.

The world is tests/factories.py ``event_world``: 井盖缺失 at 泉城广场 (历下区) goes to
市城管局 (lead) with 市生态环境局 supporting, each with one handler (in-app and e-mail).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from tests.clock import NOW
from tests.events.test_intake_queries import REGISTER_AND_DISPATCH
from tests.factories import (
    JINGSI_ROAD,
    QUANCHENG_SQUARE,
    alarm_message,
    event_world,
    iot_device,
    open311_key,
)
from yiwang.core.audit import audit_sequence, audit_verify
from yiwang.core.models import AuditEntry
from yiwang.events.errors import EventInvalid
from yiwang.events.models import (
    AlarmReceipt,
    Assignment,
    DeadLetter,
    Event,
    EventEntry,
    EventPhoto,
    IntakeRequest,
)
from yiwang.events.services.batch import Intake, events_register_many
from yiwang.events.services.intake import event_alarm, event_register
from yiwang.events.services.iot import AlarmMessage, alarms_receive
from yiwang.events.services.open311 import (
    Submitter,
    open311_intake_register,
    open311_request_enqueue,
)
from yiwang.events.types import Place, Reporter
from yiwang.notifications.models import Notification, NotificationDelivery
from yiwang.processes.models import WorkflowEventRecord, WorkflowInstance

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world():
    return event_world()


@pytest.fixture
def key():
    return open311_key()[0]


def request(key, n: int = 0, *, category=None, description: str | None = None, point=None):
    """What ``open311_request_create`` gives ``event_register`` for a POST requests."""
    return {
        "actor": key.owner,
        "channel": "open311",
        "category": category,
        "reporter": Reporter(phone="13905310002", name="王丽"),
        "place": Place(*(point or QUANCHENG_SQUARE), address="泉城广场东侧"),
        "description": f"井盖缺失 {n}" if description is None else description,
        "attributes": {"_open311": {"api_key": key.prefix}},
        "media": ("https://example.org/photo.jpg",),
    }


def intake(key, world, n: int = 0, **kw) -> Intake:
    fields = request(key, n, category=world.manhole, **kw)
    return Intake(at=NOW, **fields)


def snapshot(event: Event) -> dict:
    """Every row the registration of ``event`` wrote, without ids and numbers."""
    event = Event.objects.get(pk=event.pk)
    number = event.number

    def plain(value):
        text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
        return json.loads(text.replace(number, "N"))

    skip = {"id", "number", "workflow", "description"}
    fields = {
        f.attname: getattr(event, f.attname)
        for f in Event._meta.concrete_fields
        if f.name not in skip
    }
    notifications = Notification.objects.filter(context__number=number).order_by("user_id")
    return plain(
        {
            "event": fields,
            "workflow": {
                "row": WorkflowInstance.objects.filter(pk=event.workflow_id)
                .values("definition", "status", "version", "due_at", "event_count", "state")
                .get(),
                "events": list(
                    WorkflowEventRecord.objects.filter(instance_id=event.workflow_id)
                    .order_by("seq")
                    .values("seq", "type", "at", "data")
                ),
            },
            "history": list(
                EventEntry.objects.filter(event=event)
                .order_by("id")
                .values("kind", "at", "actor", "department", "text", "data", "public")
            ),
            "assignments": list(
                Assignment.objects.filter(event=event)
                .order_by("id")
                .values("department", "role", "dispatched_at", "reason", "from_directory")
            ),
            "photos": list(EventPhoto.objects.filter(event=event).values("kind", "url")),
            "audit": [
                (a.action, a.actor_label, a.actor_id, a.target_type, _without_text(a.data))
                for a in AuditEntry.objects.filter(
                    Q(target_type="events.Event", target_id=str(event.pk))
                    | Q(target_type="processes.WorkflowInstance", target_id=str(event.workflow_id))
                ).order_by("id")
            ],
            "notifications": [
                (n.user_id, n.kind, n.title, n.body, n.context, n.language) for n in notifications
            ],
            "deliveries": sorted(
                NotificationDelivery.objects.filter(notification__in=notifications).values_list(
                    "notification__user_id", "channel", "address"
                )
            ),
        }
    )


def _without_text(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "text"}


def test_a_batch_writes_what_the_one_by_one_path_writes(world, key):
    single = event_register(at=NOW, auto_dispatch=True, **request(key, category=world.manhole))

    [batched] = events_register_many([intake(key, world)])

    assert snapshot(batched) == snapshot(single)
    # the deadlines, counted on the working calendar from the dispatch (Tuesday 3 March
    # 10:00): 2 working hours to sign for; 5 working days to handle: 4, 5, 6, 9, 10 March
    assert batched.sign_due_at == datetime(2026, 3, 3, 12, 0, tzinfo=SHANGHAI)
    assert batched.handle_due_at == datetime(2026, 3, 10, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert batched.number == f"20260303{batched.pk:08d}"
    history = list(EventEntry.objects.filter(event=batched).values_list("kind", flat=True))
    assert history == ["registered", "dispatched"]
    assert set(Assignment.objects.filter(event=batched).values_list("department", "role")) == {
        (world.cgj.pk, "lead"),
        (world.sthj.pk, "supporting"),
    }
    actions = [a[0] for a in snapshot(batched)["audit"]]
    assert actions == [
        "workflow.start",
        "event.registered",
        "workflow.execute",
        "event.dispatched",
    ]
    told = Notification.objects.filter(context__number=batched.number, kind="event_assigned")
    assert set(told.values_list("user", flat=True)) == {world.handler_cgj.pk, world.handler_sthj.pk}
    deliveries = NotificationDelivery.objects.filter(notification__in=told)
    tasks = DBTaskResult.objects.filter(task_path__endswith="deliver_notification")
    assert {str(d.pk) for d in deliveries} <= {str(t.args_kwargs["args"][0]) for t in tasks}


def test_the_audit_log_still_verifies_after_a_batch(world, key):
    events_register_many([intake(key, world, n) for n in range(3)])

    audit_sequence()  # a test's transaction never commits: the after-commit sequencer waits

    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    assert audit_verify().ok


def _shape(queries: list[dict]) -> list[str]:
    """The statements, an INSERT into a table counted once however many chunks SQLite's
    999-variable limit splits it into."""
    shape: list[str] = []
    for q in queries:
        sql = q["sql"]
        match = re.match(r'INSERT INTO "(\w+)"', sql)
        verb = f"INSERT {match.group(1)}" if match else re.sub(r"\d+", "#", sql)[:80]
        if not (match and shape and shape[-1] == verb):
            shape.append(verb)
    return shape


def test_the_statements_do_not_grow_with_the_batch(world, key, django_assert_max_num_queries):
    events_register_many([intake(key, world, 100)])  # caches (districts, calendar) warm

    with CaptureQueriesContext(connection) as five:
        done = events_register_many([intake(key, world, n) for n in range(5)])
    assert all(isinstance(e, Event) for e in done)

    if connection.vendor == "postgresql":
        with django_assert_max_num_queries(len(five.captured_queries)):
            done = events_register_many([intake(key, world, n) for n in range(5, 55)])
    else:  # SQLite splits a big INSERT into chunks of at most 999 variables
        with CaptureQueriesContext(connection) as fifty:
            done = events_register_many([intake(key, world, n) for n in range(5, 55)])
        assert _shape(fifty.captured_queries) == _shape(five.captured_queries)
    assert all(isinstance(e, Event) for e in done)
    assert Event.objects.filter(status="dispatched").count() == 56
    assert Assignment.objects.count() == 112
    # one statement per table, not per event: 5 events took fewer statements than one
    # event registered alone (test_intake_queries.py)
    assert len(five.captured_queries) < REGISTER_AND_DISPATCH


def test_a_refused_record_costs_only_itself(world, key):
    results = events_register_many(
        [intake(key, world, 1), intake(key, world, 2, description="  "), intake(key, world, 3)]
    )

    first, refused, third = results
    assert isinstance(refused, EventInvalid) and refused.field == "description"
    assert [first.description, third.description] == ["井盖缺失 1", "井盖缺失 3"]
    assert Event.objects.count() == WorkflowInstance.objects.count() == 2
    assert EventEntry.objects.count() == 4
    audited = AuditEntry.objects.filter(action__in=("event.registered", "event.dispatched"))
    assert audited.count() == 4


def test_an_event_outside_every_district_is_registered_and_dispatched_city_wide(world, key):
    # 经四路 (市中区) has no district rule: the city-wide one, 市城管局 alone
    [event] = events_register_many([intake(key, world, point=JINGSI_ROAD)])

    assert event.district == world.shizhong and event.lead_department == world.cgj
    assert list(Assignment.objects.filter(event=event).values_list("role", flat=True)) == ["lead"]


# --- Open311's queue --------------------------------------------------------------------------


def test_a_queue_drained_in_one_batch_with_a_request_refused_in_the_middle(world, key, clock):
    tokens = []
    for n, category in enumerate((world.manhole, world.street_vending, world.manhole)):
        row = open311_request_enqueue(
            key=key,
            category=category,
            place=Place(*QUANCHENG_SQUARE),
            description=f"请求 {n}",
            submitter=Submitter(first_name="丽", last_name="王", phone="13905310002"),
        )
        tokens.append(row.token)
    world.street_vending.is_active = False  # retired between the POST and the worker
    world.street_vending.save(update_fields=["is_active"])
    clock.move_to(NOW + timedelta(minutes=5))

    assert open311_intake_register() == 3

    rows = {r.token: r for r in IntakeRequest.objects.all()}
    first, middle, last = (rows[t] for t in tokens)
    assert (first.state, last.state) == ("registered", "registered")
    assert (middle.state, middle.error_status, middle.event) == ("failed", 400, None)
    assert [first.event.description, last.event.description] == ["请求 0", "请求 2"]
    assert first.event.created_at == NOW  # registered at the receipt, not at the drain
    assert Event.objects.count() == 2


# --- IoT alarms -------------------------------------------------------------------------------


alarm = alarm_message


def test_repeats_of_one_device_in_one_batch_update_one_event(world):
    device = iot_device(world)
    iot_device(world, code="JN-MH-0002")

    outcomes = alarms_receive(
        messages=[
            alarm("m-1"),
            alarm("m-2"),
            alarm("m-1", device="JN-MH-0002"),
            alarm("m-1"),  # the same message again in the batch
            alarm("m-3"),
        ]
    )

    assert [o.kind for o in outcomes] == ["event", "event", "event", "duplicate", "event"]
    one = outcomes[0].event
    assert outcomes[1].event.pk == outcomes[4].event.pk == one.pk
    assert outcomes[2].event.pk != one.pk
    event = Event.objects.get(pk=one.pk)
    assert (event.device, event.alarm_count, event.last_alarm_at) == (device, 3, NOW)
    kinds = list(EventEntry.objects.filter(event=event).order_by("id").values_list("kind", "data"))
    assert kinds == [
        ("registered", {"channel": "iot", "category": "050101", "district": "370102"}),
        ("dispatched", kinds[1][1]),
        ("alarm_repeated", {"alarm_type": "cover_open", "value": 1, "count": 2}),
        ("alarm_repeated", {"alarm_type": "cover_open", "value": 1, "count": 3}),
    ]
    assert kinds[1][1]["reason"] == "IoT device owner"
    assert Event.objects.count() == 2
    assert AlarmReceipt.objects.count() == 4


def test_a_batch_updates_the_open_event_of_an_earlier_batch(world, clock):
    iot_device(world)
    [first] = alarms_receive(messages=[alarm("m-1")])
    clock.shift(timedelta(minutes=30))

    outcomes = alarms_receive(messages=[alarm("m-2"), alarm("m-3")])

    assert {o.event.pk for o in outcomes} == {first.event.pk}
    assert Event.objects.get().alarm_count == 3


def test_unknown_and_malformed_messages_in_a_batch_are_dead_lettered(world):
    iot_device(world)
    bad = AlarmMessage("yiwang/iot/jinan/alarms/JN-MH-0001", b"{not json")

    outcomes = alarms_receive(messages=[alarm("m-1"), alarm("u-1", device="JN-XX-9"), bad])

    assert [o.kind for o in outcomes] == ["event", "dead_letter", "dead_letter"]
    reasons = dict(DeadLetter.objects.values_list("device_code", "reason"))
    assert reasons["JN-XX-9"] == "unknown device"
    assert Event.objects.count() == 1
    receipt = AlarmReceipt.objects.get(device_code="JN-XX-9")
    assert receipt.dead_letter == outcomes[1].dead_letter


def test_a_batch_alarm_writes_what_a_lone_alarm_writes(world):
    iot_device(world)
    iot_device(world, code="JN-MH-0002")
    alone = event_alarm(device_code="JN-MH-0001", alarm_type="cover_open", value=1, at=NOW)

    [batched] = alarms_receive(messages=[alarm("m-1", device="JN-MH-0002")], at=NOW)

    a, b = snapshot(alone), snapshot(batched.event)
    for snap in (a, b):
        snap["event"].pop("device_id"), snap["event"].pop("attributes")
    assert a == b
