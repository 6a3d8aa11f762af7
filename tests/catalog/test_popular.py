"""热门服务: the portal's popular services, ranked by applications over the last 30 days."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from tests.factories import SHANGHAI, case_world, citizen, submitted_case
from yiwang.cases import selectors as case_selectors
from yiwang.catalog import selectors, services
from yiwang.catalog.models import ServiceItem

pytestmark = pytest.mark.django_db

# tests.clock.NOW is 2026-03-03 10:00 in Jinan: the window is [2026-02-01 10:00, NOW).
WINDOW_START = datetime(2026, 2, 1, 10, 0, tzinfo=SHANGHAI)


def names(versions):
    return [v.name_zh for v in versions]


def _cases(world, *instants):
    for at in instants:
        submitted_case(world, applicant=citizen(), at=at)


def _curate(version, position):
    item = ServiceItem.objects.get(pk=version.item_id)
    item.popular_order = position
    services.service_item_save(item=item, actor=None, changed=["popular_order"])


@pytest.fixture
def worlds():
    return {name: case_world(name_zh=name) for name in ("甲事项", "乙事项", "丙事项", "丁事项")}


def test_services_with_most_applications_in_the_last_30_days_come_first(worlds):
    _cases(worlds["甲事项"], WINDOW_START)  # exactly 30 days ago: counted
    _cases(
        worlds["乙事项"],
        datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI),
        datetime(2026, 3, 2, 15, 0, tzinfo=SHANGHAI),
    )
    # 丙 has the most applications, but all older than 30 days.
    _cases(worlds["丙事项"], *(WINDOW_START - timedelta(minutes=m) for m in (1, 60, 24 * 60)))
    _curate(worlds["丁事项"].service, 1)

    popular = selectors.popular_services(limit=3)

    # 乙 (2 in the window), 甲 (1), then the curated 丁 fills the list; 丙 is not among them.
    assert names(popular) == ["乙事项", "甲事项", "丁事项"]


def test_with_no_recent_applications_the_curated_list_is_shown(worlds):
    _curate(worlds["丙事项"].service, 2)
    _curate(worlds["甲事项"].service, 1)
    _cases(worlds["丁事项"], WINDOW_START - timedelta(days=1))

    assert names(selectors.popular_services(limit=2)) == ["甲事项", "丙事项"]


def test_counting_is_one_query(worlds, django_assert_num_queries):
    _cases(worlds["甲事项"], WINDOW_START, WINDOW_START + timedelta(days=3))
    _cases(worlds["乙事项"], WINDOW_START + timedelta(days=1))
    now = WINDOW_START + timedelta(days=30)
    item = {name: w.service.item_id for name, w in worlds.items()}

    with django_assert_num_queries(1):
        counts = case_selectors.case_counts_by_service(since=WINDOW_START, until=now, limit=10)

    assert counts == [(item["甲事项"], 2), (item["乙事项"], 1)]


def test_ranking_is_cached_for_five_minutes(worlds, clock):
    _cases(worlds["甲事项"], WINDOW_START + timedelta(days=1))
    assert names(selectors.popular_services(limit=1)) == ["甲事项"]
    _cases(worlds["乙事项"], *(WINDOW_START + timedelta(days=d) for d in (2, 3)))

    clock.shift(timedelta(minutes=4))
    assert names(selectors.popular_services(limit=1)) == ["甲事项"]
    clock.shift(timedelta(minutes=2))
    assert names(selectors.popular_services(limit=1)) == ["乙事项"]


def test_home_page_lists_popular_services_in_their_order(client, worlds):
    _cases(worlds["丙事项"], WINDOW_START + timedelta(days=1), WINDOW_START + timedelta(days=2))
    _cases(worlds["乙事项"], WINDOW_START + timedelta(days=1))

    html = client.get(reverse("portal:home")).content.decode()
    popular = html[html.index('id="popular-title"') : html.index('id="departments-title"')]

    assert popular.index("丙事项") < popular.index("乙事项")
