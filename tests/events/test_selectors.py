"""What the operator console reads while typing: the caller's previous contacts, the category
type-ahead, the knowledge base search, the directory lookup; the supervisor's board."""

from __future__ import annotations

from datetime import timedelta

import pytest

from yiwang.events import services
from yiwang.events.selectors import (
    articles_search,
    cards_by_department,
    categories_leaves,
    department_record,
    dispatch_rule_for,
    event_timeline,
    reporter_history,
)

from ..factories import T0, dispatched_event, event_world, registered_event

pytestmark = pytest.mark.django_db


def test_the_callers_previous_contacts_newest_first(django_assert_max_num_queries):
    world = event_world()
    first = registered_event(world, phone="13911112222")
    second = registered_event(world, phone="13911112222", at=T0 + timedelta(hours=1))
    registered_event(world, phone="13900000000", at=T0 + timedelta(hours=2))

    with django_assert_max_num_queries(1):
        found = [(e.pk, e.category.code) for e in reporter_history(phone="13911112222")]

    assert [pk for pk, _ in found] == [second.pk, first.pk]
    assert list(reporter_history(phone=" ")) == []


def test_category_type_ahead_offers_leaves_only():
    world = event_world()

    assert list(categories_leaves(query="井盖")) == [world.manhole]
    assert list(categories_leaves(query="市政设施")) == [world.manhole]  # by its parent's name
    assert world.manhole.parent not in categories_leaves()


def test_knowledge_base_search_finds_current_answers_by_every_word():
    world = event_world()
    services.article_save(
        actor=None, key="a", category=world.noise, title="夜间施工噪声", body="旧"
    )
    current = services.article_save(
        actor=None, key="a", category=world.noise, title="夜间施工噪声", body="22时至次日6时"
    )
    services.article_save(actor=None, key="b", category=world.manhole, title="井盖", body="报修")

    assert list(articles_search(query="夜间 噪声")) == [current]
    assert list(articles_search(query="夜间 井盖")) == []
    assert list(articles_search(category=world.manhole.parent)) != []


def test_the_directory_lookup_prefers_the_district_then_the_city_then_the_parent():
    world = event_world()

    assert dispatch_rule_for(category=world.manhole, district=world.lixia).supporting.count() == 1
    assert dispatch_rule_for(category=world.manhole, district=world.shizhong).lead == world.cgj
    assert dispatch_rule_for(category=world.manhole.parent, district=None) is None


def test_the_supervisors_board_and_a_departments_record():
    world = event_world()
    event = dispatched_event(world)
    services.event_return(
        actor=world.handler_cgj, event=event, reason="不归我们", at=T0 + timedelta(hours=1)
    )
    late = dispatched_event(world, at=T0 + timedelta(hours=2))
    services.cards_refresh(at=T0 + timedelta(days=10))

    board = {row["lead_department_id"]: row for row in cards_by_department()}
    record = department_record(department=world.cgj)

    # The returned event is the centre's: no card against the department that returned it.
    assert board[world.cgj.pk]["red"] == 1
    assert record["returns"] == 1 and record["overdue"] == 1
    assert record["supervision_orders"] == 1 and record["supervision_unanswered"] == 1
    timeline = [entry.kind for entry in event_timeline(event=late, public_only=True)]
    assert timeline == ["registered", "dispatched"]
