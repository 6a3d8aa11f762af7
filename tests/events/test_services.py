"""The events services, rule by rule, with deadlines hand-worked on the real 2026 calendar.

The world (tests/factories.py ``event_world``): 12345 centre, 市城管局 (cgj), 市生态环境局
(sthj), 市交通运输局 (jtj); the directory sends 井盖缺失 in 历下区 to cgj with sthj
supporting. Events are registered at 泉城广场 (历下区) on Monday 2 March 2026 09:00 (T0).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yiwang.core.models import AuditEntry
from yiwang.events import services
from yiwang.events.errors import EventConflict, EventInvalid, EventNotAllowed, WindowClosed
from yiwang.events.models import (
    Arbitration,
    Assignment,
    DeadLetter,
    Device,
    Event,
    EventEntry,
    SupervisionOrder,
)
from yiwang.events.selectors import duplicates_for
from yiwang.events.types import Place, Reporter
from yiwang.notifications.models import Notification

from ..factories import (
    JINGSI_ROAD,
    SHANGHAI,
    T0,
    dispatched_event,
    event_world,
    registered_event,
)

pytestmark = pytest.mark.django_db


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


def end_of(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 23, 59, 59, 999999, tzinfo=SHANGHAI)


@pytest.fixture
def world():
    return event_world()


def kinds(event: Event) -> list[str]:
    return list(
        EventEntry.objects.filter(event=event).order_by("at", "id").values_list("kind", flat=True)
    )


# --- intake ---------------------------------------------------------------------------------


def test_a_hotline_call_is_registered_with_its_district_from_the_point(world):
    event = registered_event(world)

    event.refresh_from_db()
    assert event.status == "registered"
    assert event.district == world.lixia
    assert event.channel == "hotline" and event.registered_by == world.operator
    assert event.number == f"20260302{event.pk:08d}"
    assert event.workflow.definition == "city_event"
    assert AuditEntry.objects.filter(action="event.registered", target_id=str(event.pk)).exists()


def test_a_point_in_another_district_gets_that_district(world):
    event = registered_event(world, point=JINGSI_ROAD)

    assert event.district == world.shizhong


def test_only_an_operator_registers_a_hotline_call(world):
    with pytest.raises(EventNotAllowed):
        services.event_register(
            actor=world.handler_cgj,
            channel="hotline",
            category=world.manhole,
            reporter=Reporter(phone="13900000000"),
            place=Place(36.66, 117.02),
            description="x",
        )
    assert Event.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"description": ""}, "description"),
        ({"description": "长" * 4001}, "description"),
        ({"channel": "fax"}, "channel"),
        ({"urgency": "now"}, "urgency"),
        ({"place": Place(91.0, 117.0)}, "lat"),
        ({"place": Place(36.0, None)}, "lat"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_registered(world, change, field):
    args = {
        "actor": world.operator,
        "channel": "hotline",
        "category": world.manhole,
        "reporter": Reporter(phone="13900000000"),
        "place": Place(36.66, 117.02),
        "description": "井盖丢失",
        **change,
    }
    with pytest.raises(EventInvalid) as refused:
        services.event_register(**args)

    assert refused.value.field == field
    assert Event.objects.count() == 0


def test_a_parent_category_cannot_be_chosen(world):
    with pytest.raises(EventInvalid):
        registered_event(world, category=world.manhole.parent)


def test_a_citizen_reports_on_the_web_and_owns_the_report(world):
    event = registered_event(world, channel="web", citizen=world.citizen)

    assert event.citizen == world.citizen and event.channel == "web"


def test_auto_dispatch_sends_it_by_the_directory(world):
    event = registered_event(world, channel="open311", auto_dispatch=True)

    assert event.status == "dispatched"
    assert event.lead_department == world.cgj


def test_answering_directly_from_the_knowledge_base_closes_and_counts(world):
    article = services.article_save(
        actor=None,
        key="manhole-hours",
        category=world.manhole,
        title="井盖报修时间",
        body="24小时受理",
    )
    event = registered_event(world)

    event = services.event_answer_directly(
        actor=world.operator, event=event, article=article, at=T0 + timedelta(minutes=3)
    )

    assert event.status == "closed" and event.answered_directly
    assert event.article == article and event.reply == "24小时受理"


def test_a_knowledge_base_answer_is_versioned(world):
    first = services.article_save(
        actor=None, key="k", category=world.noise, title="夜间施工", body="22点后禁止"
    )
    second = services.article_save(
        actor=None, key="k", category=world.noise, title="夜间施工", body="22点至次日6点禁止"
    )
    first.refresh_from_db()

    assert (first.version, first.is_current) == (1, False)
    assert (second.version, second.is_current) == (2, True)
    with pytest.raises(EventInvalid):
        services.event_answer_directly(
            actor=world.operator, event=registered_event(world), article=first
        )


# --- dispatch -------------------------------------------------------------------------------


def test_dispatch_from_the_directory_by_category_and_district(world):
    event = registered_event(world)

    event = services.event_dispatch(actor=world.operator, event=event, at=T0 + timedelta(minutes=1))

    assert event.status == "dispatched" and event.lead_department == world.cgj
    roles = set(Assignment.objects.filter(event=event).values_list("department__code", "role"))
    assert roles == {("jn-cgj", "lead"), ("jn-sthj", "supporting")}
    # Monday 2 March 09:01 + 2 working hours; 5 working days: 3, 4, 5, 6, 9 March.
    assert event.sign_due_at == at(2026, 3, 2, 11, 1)
    assert event.handle_due_at == end_of(2026, 3, 9)
    assert Notification.objects.filter(user=world.handler_cgj, kind="event_assigned").exists()


def test_a_district_without_a_rule_falls_back_to_the_city_wide_rule(world):
    event = registered_event(world, point=JINGSI_ROAD)

    event = services.event_dispatch(actor=world.operator, event=event, at=T0 + timedelta(minutes=1))

    assert event.lead_department == world.cgj
    assert not Assignment.objects.filter(event=event, role="supporting").exists()


def test_a_manual_override_needs_a_reason(world):
    event = registered_event(world)

    with pytest.raises(EventInvalid):
        services.event_dispatch(actor=world.operator, event=event, lead=world.jtj)
    event = services.event_dispatch(
        actor=world.operator,
        event=event,
        lead=world.jtj,
        reason="路口信号箱旁",
        at=T0 + timedelta(minutes=1),
    )

    assert event.lead_department == world.jtj
    assert Assignment.objects.get(event=event).from_directory is False


def test_signing_for_it_does_not_move_the_handling_deadline(world):
    event = dispatched_event(world)

    event = services.event_sign(actor=world.handler_cgj, event=event, at=at(2026, 3, 4, 10))

    assert event.status == "handling" and event.signed_at == at(2026, 3, 4, 10)
    assert event.handle_due_at == end_of(2026, 3, 9)  # from dispatch, not from signing
    assert event.sign_card == "red"  # signed two days after its 2 working hours


def test_another_department_cannot_sign(world):
    event = dispatched_event(world)

    with pytest.raises(EventNotAllowed):
        services.event_sign(actor=world.handler_jtj, event=event)
    event.refresh_from_db()
    assert event.status == "dispatched" and event.signed_at is None


def test_a_supporting_department_signs_its_part_only(world):
    event = dispatched_event(world)

    event = services.event_sign(actor=world.handler_sthj, event=event, at=T0 + timedelta(hours=1))

    assert event.status == "dispatched"
    assert Assignment.objects.get(event=event, department=world.sthj).signed_at is not None


def test_a_return_and_reassignment_start_the_new_units_clock_from_its_dispatch(world):
    # Dispatched to cgj Monday 2 March 09:01; cgj returns Tuesday 3 March 10:00 (within
    # 2 working days); the centre reassigns to sthj Wednesday 4 March 09:00.
    event = dispatched_event(world)
    event = services.event_return(
        actor=world.handler_cgj, event=event, reason="井盖属燃气公司", at=at(2026, 3, 3, 10)
    )
    assert event.status == "returned"

    event = services.event_reassign(
        actor=world.operator, event=event, lead=world.sthj, reason="改派", at=at(2026, 3, 4, 9)
    )
    event = services.event_sign(actor=world.handler_sthj, event=event, at=at(2026, 3, 5, 9))

    # The centre was wrong: sthj's 5 working days count from Wednesday 4 March: 5, 6, 9,
    # 10, 11 March; its signing (Thursday) does not move it.
    assert event.handle_due_at == end_of(2026, 3, 11)
    assert event.sign_due_at == at(2026, 3, 4, 11)
    assert event.lead_department == world.sthj
    assert kinds(event)[-3:] == ["returned", "reassigned", "signed"]


def test_a_return_after_the_window_is_refused(world):
    # Dispatched Monday 2 March: the 2-working-day window ends with Wednesday 4 March.
    event = dispatched_event(world)

    with pytest.raises(WindowClosed):
        services.event_return(
            actor=world.handler_cgj, event=event, reason="不归我们", at=at(2026, 3, 5, 9)
        )
    event.refresh_from_db()
    assert event.status == "dispatched"


def test_a_return_needs_a_reason(world):
    event = dispatched_event(world)

    with pytest.raises(EventInvalid):
        services.event_return(actor=world.handler_cgj, event=event, reason=" ")


def test_the_second_return_goes_to_arbitration(world):
    event = dispatched_event(world)
    event = services.event_return(
        actor=world.handler_cgj, event=event, reason="不归城管", at=at(2026, 3, 2, 10)
    )
    event = services.event_reassign(
        actor=world.operator, event=event, lead=world.sthj, reason="改派环保", at=at(2026, 3, 2, 11)
    )

    event = services.event_return(
        actor=world.handler_sthj, event=event, reason="不归环保", at=at(2026, 3, 2, 14)
    )

    assert event.status == "arbitration"
    arbitration = Arbitration.objects.get(event=event)
    assert arbitration.reason_kind == "returns" and arbitration.department == world.sthj


def test_a_dispute_decided_against_the_department_keeps_its_clock_from_the_first_dispatch(world):
    event = dispatched_event(world)  # cgj, Monday 2 March 09:01: due end of Monday 9 March
    event = services.event_dispute(
        actor=world.handler_cgj, event=event, reason="应由燃气公司处理", at=at(2026, 3, 3, 9)
    )
    assert event.status == "arbitration"
    with pytest.raises(EventNotAllowed):
        services.event_arbitrate(
            actor=world.operator, event=event, lead=world.cgj, fault="department", decision="x"
        )

    event = services.event_arbitrate(
        actor=world.supervisor,
        event=event,
        lead=world.cgj,
        fault="department",
        decision="井盖属市政设施，由城管局主办",
        at=at(2026, 3, 5, 10),
    )

    # The department was wrong: the bounce (Tuesday to Thursday) counts against it.
    assert event.status == "dispatched" and event.lead_department == world.cgj
    assert event.handle_due_at == end_of(2026, 3, 9)
    assert event.sign_due_at == at(2026, 3, 5, 12)
    decided = Arbitration.objects.get(event=event)
    assert (decided.fault, decided.decided_department) == ("department", world.cgj)
    with pytest.raises(EventConflict):  # binding: no second dispute of the decision's state
        services.event_arbitrate(
            actor=world.supervisor,
            event=event,
            lead=world.sthj,
            fault="centre",
            decision="x",
            at=at(2026, 3, 5, 11),
        )


def test_a_dispute_decided_against_the_centre_starts_the_new_units_clock(world):
    event = dispatched_event(world)
    event = services.event_dispute(
        actor=world.handler_cgj, event=event, reason="噪声归环保", at=at(2026, 3, 3, 9)
    )

    event = services.event_arbitrate(
        actor=world.supervisor,
        event=event,
        lead=world.sthj,
        fault="centre",
        decision="由生态环境局主办",
        at=at(2026, 3, 5, 10),
    )

    # Thursday 5 March: 6, 9, 10, 11, 12 March.
    assert event.lead_department == world.sthj
    assert event.handle_due_at == end_of(2026, 3, 12)
    assert not Assignment.objects.filter(
        event=event, department=world.cgj, ended_at__isnull=True
    ).exists()


# --- handling, extension, supervision -------------------------------------------------------


def photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("result.jpg", b"\xff\xd8\xff\xe0fake-jpeg", content_type="image/jpeg")


def signed(world, **kw):
    event = dispatched_event(world, **kw)
    return services.event_sign(actor=world.handler_cgj, event=event, at=T0 + timedelta(hours=1))


def test_closing_needs_evidence(world):
    event = signed(world)

    with pytest.raises(EventInvalid) as refused:
        services.event_reply(
            actor=world.handler_cgj, event=event, outcome="resolved", result="", reply="已修复"
        )

    assert refused.value.field == "result"
    event.refresh_from_db()
    assert event.status == "handling"


def test_a_reply_with_a_result_photo_records_the_outcome(world):
    event = signed(world, citizen=world.citizen, channel="web")

    event = services.event_reply(
        actor=world.handler_cgj,
        event=event,
        outcome="resolved",
        result="",
        reply="井盖已补装",
        photos=[photo()],
        at=at(2026, 3, 4, 15),
    )

    assert event.status == "replied" and event.outcome == "resolved"
    assert event.photos.filter(kind="result").count() == 1
    assert Notification.objects.filter(user=world.citizen, kind="event_replied").exists()


def test_outcomes_are_distinct_and_checked(world):
    event = signed(world)

    with pytest.raises(EventInvalid):
        services.event_reply(
            actor=world.handler_cgj, event=event, outcome="done", result="x", reply="y"
        )
    event = services.event_reply(
        actor=world.handler_cgj,
        event=event,
        outcome="forwarded",
        result="转燃气公司",
        reply="已转交",
    )
    assert event.outcome == "forwarded"


def test_a_category_without_callback_closes_at_the_reply(world):
    event = signed(world, category=world.street_vending)

    event = services.event_reply(
        actor=world.handler_cgj, event=event, outcome="resolved", result="已劝离", reply="已处理"
    )

    assert event.status == "closed"


def test_one_extension_with_a_supervisors_approval(world):
    event = signed(world)  # due at the end of Monday 9 March
    with pytest.raises(EventInvalid):
        services.event_extend_request(
            actor=world.handler_cgj, event=event, days=11, reason="工程量大"
        )

    request = services.event_extend_request(
        actor=world.handler_cgj, event=event, days=3, reason="需要定制井盖", at=at(2026, 3, 5, 9)
    )
    with pytest.raises(EventNotAllowed):
        services.event_extend_decide(actor=world.handler_cgj, request=request, approved=True)
    services.event_extend_decide(
        actor=world.supervisor, request=request, approved=True, at=at(2026, 3, 5, 10)
    )
    event.refresh_from_db()

    # +3 working days: 10, 11, 12 March.
    assert event.handle_due_at == end_of(2026, 3, 12) and event.extension_days == 3
    with pytest.raises(WindowClosed):
        services.event_extend_request(actor=world.handler_cgj, event=event, days=2, reason="再延")


def test_a_supervision_order_notifies_the_department_which_must_answer(world):
    event = signed(world)

    order = services.supervision_issue(
        actor=world.supervisor, event=event, note="请加快处理", at=at(2026, 3, 5, 10)
    )

    assert order.department == world.cgj
    assert order.answer_due_at == end_of(2026, 3, 6)  # 1 working day
    assert Notification.objects.filter(user=world.handler_cgj, kind="event_supervision").exists()
    with pytest.raises(EventNotAllowed):
        services.supervision_answer(actor=world.handler_jtj, order=order, answer="x")
    order = services.supervision_answer(
        actor=world.handler_cgj, order=order, answer="今日完成", at=at(2026, 3, 5, 11)
    )
    assert order.answered_at == at(2026, 3, 5, 11)
    with pytest.raises(EventConflict):
        services.supervision_answer(actor=world.handler_cgj, order=order, answer="again")


def test_cards_turn_yellow_then_red_and_red_raises_a_supervision_order(world):
    event = signed(world)  # handling due at the end of Monday 9 March

    assert services.cards_refresh(at=at(2026, 3, 6, 12)) == 0
    assert services.cards_refresh(at=at(2026, 3, 9, 8)) == 1
    event.refresh_from_db()
    assert event.handle_card == "yellow"
    assert services.cards_refresh(at=at(2026, 3, 9, 9)) == 0  # twice: nothing more
    assert services.cards_refresh(at=at(2026, 3, 10, 0, 1)) == 1
    event.refresh_from_db()
    assert event.handle_card == "red"
    assert SupervisionOrder.objects.filter(event=event, trigger="overdue").count() == 1


def test_an_unsigned_dispatch_gets_a_sign_card(world):
    event = dispatched_event(world)  # Monday 09:01, sign-for due 11:01, yellow from 10:01

    services.cards_refresh(at=at(2026, 3, 2, 10, 30))
    event.refresh_from_db()
    assert event.sign_card == "yellow"
    services.cards_refresh(at=at(2026, 3, 2, 11, 2))
    event.refresh_from_db()
    assert event.sign_card == "red"


# --- callback, reopening ---------------------------------------------------------------------


def replied(world, **kw):
    event = signed(world, **kw)
    return services.event_reply(
        actor=world.handler_cgj,
        event=event,
        outcome="resolved",
        result="已补装",
        reply="已补装",
        at=at(2026, 3, 5, 15),
    )


def test_a_good_callback_closes(world):
    event = replied(world)

    event = services.event_callback(
        actor=world.operator,
        event=event,
        satisfaction="satisfied",
        resolved=True,
        at=at(2026, 3, 6, 10),
    )

    assert event.status == "closed" and event.satisfaction == "satisfied"


def test_a_bad_callback_reopens_and_the_second_failure_raises_a_supervision_order(world):
    event = replied(world)

    event = services.event_callback(
        actor=world.operator,
        event=event,
        satisfaction="dissatisfied",
        resolved=False,
        at=at(2026, 3, 6, 10),
    )

    # Reopened Friday 6 March to the same department: 9, 10, 11, 12, 13 March.
    assert event.status == "handling" and event.lead_department == world.cgj
    assert event.handle_due_at == end_of(2026, 3, 13) and event.reopen_count == 1
    assert not SupervisionOrder.objects.filter(event=event).exists()

    event = services.event_reply(
        actor=world.handler_cgj,
        event=event,
        outcome="resolved",
        result="再次补装",
        reply="已再次补装",
        at=at(2026, 3, 10, 9),
    )
    event = services.event_callback(
        actor=world.operator,
        event=event,
        satisfaction="very_dissatisfied",
        resolved=False,
        at=at(2026, 3, 11, 9),
    )

    order = SupervisionOrder.objects.get(event=event)
    assert order.trigger == "second_failure" and order.department == world.cgj
    assert event.reopen_count == 2 and event.status == "handling"


def test_the_reporter_rates_their_own_report_only(world):
    event = replied(world, channel="web", citizen=world.citizen)
    other = registered_event(world)

    with pytest.raises(EventNotAllowed):
        services.event_callback(
            actor=world.handler_cgj, event=event, satisfaction="satisfied", resolved=True
        )
    event = services.event_callback(
        actor=world.citizen,
        event=event,
        satisfaction="very_satisfied",
        resolved=True,
        at=at(2026, 3, 6, 10),
    )
    assert event.status == "closed"
    assert other.status == "registered"


# --- duplicates: merge and split --------------------------------------------------------------


def test_a_nearby_event_of_the_same_category_is_proposed_and_merged(world):
    first = dispatched_event(world)
    # 泉城广场 again, 50 m north, two hours later.
    place = Place(36.6617 + 0.00045, 117.0196)
    assert duplicates_for(category=world.manhole, place=place, at=T0 + timedelta(hours=2)) == [
        first
    ]
    assert duplicates_for(category=world.noise, place=place, at=T0 + timedelta(hours=2)) == []
    assert (
        duplicates_for(
            category=world.manhole, place=Place(*JINGSI_ROAD), at=T0 + timedelta(hours=2)
        )
        == []
    )
    second = registered_event(
        world,
        at=T0 + timedelta(hours=2),
        point=(place.latitude, place.longitude),
        channel="web",
        citizen=world.citizen,
    )

    second = services.event_merge(
        actor=world.operator, event=second, into=first, at=T0 + timedelta(hours=2, minutes=1)
    )

    assert second.status == "merged" and second.merged_into == first
    assert AuditEntry.objects.filter(action="event.merged", target_id=str(second.pk)).exists()
    # The merged reporter hears the outcome.
    services.event_sign(actor=world.handler_cgj, event=first, at=T0 + timedelta(hours=3))
    services.event_reply(
        actor=world.handler_cgj,
        event=first,
        outcome="resolved",
        result="已补",
        reply="已补",
        at=T0 + timedelta(hours=4),
    )
    assert Notification.objects.filter(user=world.citizen, kind="event_replied").exists()


def test_a_merged_event_is_split_off_again(world):
    first = dispatched_event(world)
    second = registered_event(world, at=T0 + timedelta(hours=1))
    second = services.event_merge(
        actor=world.operator, event=second, into=first, at=T0 + timedelta(hours=1, minutes=1)
    )

    second = services.event_split(
        actor=world.supervisor, event=second, reason="不是同一井盖", at=T0 + timedelta(hours=2)
    )

    assert second.status == "registered" and second.merged_into is None
    assert AuditEntry.objects.filter(action="event.split", target_id=str(second.pk)).exists()
    assert AuditEntry.objects.filter(action="event.split_off", target_id=str(first.pk)).exists()


def test_events_of_other_categories_are_not_merged(world):
    first = dispatched_event(world)
    second = registered_event(world, category=world.noise, at=T0 + timedelta(hours=1))

    with pytest.raises(EventInvalid):
        services.event_merge(actor=world.operator, event=second, into=first)
    second.refresh_from_db()
    assert second.status == "registered"


# --- IoT ----------------------------------------------------------------------------------


def test_repeated_alarms_of_a_device_update_one_event_and_unknown_devices_are_dead_lettered(world):
    device = Device.objects.create(
        code="WL-001",
        name="泉城路井盖传感器",
        category=world.manhole,
        department=world.cgj,
        latitude=36.6617,
        longitude=117.0196,
        alarm_window_minutes=60,
    )

    first = services.event_alarm(device_code=device.code, alarm_type="tilt", value=35, at=T0)
    again = services.event_alarm(
        device_code=device.code, alarm_type="tilt", value=40, at=T0 + timedelta(minutes=30)
    )
    later = services.event_alarm(
        device_code=device.code, alarm_type="tilt", value=41, at=T0 + timedelta(minutes=95)
    )
    unknown = services.event_alarm(
        device_code="NOPE", alarm_type="tilt", payload='{"id":"NOPE"}', at=T0
    )

    assert isinstance(first, Event) and again.pk == first.pk
    first.refresh_from_db()
    assert first.alarm_count == 2 and first.channel == "iot" and first.lead_department == world.cgj
    assert later.pk != first.pk
    assert isinstance(unknown, DeadLetter) and unknown.reason == "unknown device"
    assert DeadLetter.objects.count() == 1


def test_the_scheduler_round_turns_the_cards(world):
    from yiwang.events.tasks import cards_round

    event = signed(world)  # handling due at the end of Monday 9 March

    assert cards_round(at(2026, 3, 10, 1)) == (1, "1 card(s) changed")
    event.refresh_from_db()
    assert event.handle_card == "red"


# --- no push-down to a street office (国办函〔2025〕66号) --------------------------------------


def street_office(world, code: str = "lx-qcgj", name: str = "泉城路街道办事处"):
    from tests.factories import DepartmentFactory
    from yiwang.identity.models import Department

    return DepartmentFactory(
        code=code, name_zh=name, region=world.lixia, kind=Department.Kind.STREET_OFFICE
    )


def test_a_departments_matter_is_not_pushed_down_to_a_street_office(world):
    # 井盖缺失 in 历下区 is 市城管局's by the directory; 泉城路街道 is not listed for it.
    office = street_office(world)
    event = registered_event(world)
    audited = AuditEntry.objects.count()

    with pytest.raises(EventInvalid) as refused:
        services.event_dispatch(
            actor=world.operator, event=event, lead=office, reason="就近处置", at=T0
        )

    assert refused.value.field == "lead"
    assert "市城管局" in str(refused.value) and "泉城路街道办事处" in str(refused.value)
    event.refresh_from_db()
    assert event.status == "registered" and event.lead_department is None
    assert not Assignment.objects.filter(event=event).exists()
    assert AuditEntry.objects.count() == audited
    assert kinds(event) == ["registered"]


def test_a_reassignment_to_a_street_office_is_refused_too(world):
    office = street_office(world)
    event = dispatched_event(world)
    services.event_return(actor=world.handler_cgj, event=event, reason="不属于城管职责")
    audited = AuditEntry.objects.count()

    with pytest.raises(EventInvalid):
        services.event_reassign(actor=world.operator, event=event, lead=office, reason="属地处置")

    event.refresh_from_db()
    assert event.status == "returned" and event.lead_department == world.cgj
    assert AuditEntry.objects.count() == audited


def test_a_street_office_the_directory_lists_for_the_category_may_lead_or_support(world):
    office = street_office(world)
    other = street_office(world, code="lx-dmgj", name="大明湖街道办事处")
    services.directory_publish(
        actor=None,
        rules=[
            (world.manhole, world.lixia, world.cgj, [office]),
            (world.street_vending, None, world.cgj, []),
        ],
        note="泉城路街道 supports 井盖缺失",
    )
    listed = registered_event(world)
    supported = registered_event(world, category=world.street_vending)

    listed = services.event_dispatch(
        actor=world.operator, event=listed, lead=office, reason="属地处置"
    )
    supported = services.event_dispatch(
        actor=world.operator, event=supported, lead=world.cgj, supporting=[other], reason="协办"
    )

    assert listed.lead_department == office
    assert supported.lead_department == world.cgj
    assert Assignment.objects.filter(event=supported, department=other).exists()


def test_a_supervisors_arbitration_does_not_push_it_down_either(world):
    office = street_office(world)
    event = dispatched_event(world)
    services.event_dispute(actor=world.handler_cgj, event=event, reason="应由街道处置")

    with pytest.raises(EventInvalid):
        services.event_arbitrate(
            actor=world.supervisor, event=event, lead=office, fault="centre", decision="街道处置"
        )

    event.refresh_from_db()
    assert event.status == "arbitration" and event.lead_department == world.cgj
    assert not Arbitration.objects.filter(event=event, decided_at__isnull=False).exists()
