"""Keyset pages of the officer queue (cursor on the sort key) and its capped counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from tests.factories import T0, case_world, submitted_case
from yiwang.cases import selectors
from yiwang.cases.errors import InvalidCursor
from yiwang.cases.models import Case
from yiwang.cases.selectors import CaseFilters

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def _queue(world, labels):
    """Cases with hand-picked due dates (None: no deadline) and receipt times, by label.

    The deadlines are set on the rows directly: the order under test is the queue's, not
    the calendar's (the calendar's deadlines have their own tests)."""
    cases = {}
    for i, (label, due) in enumerate(labels):
        case = submitted_case(world, at=T0 + i * timedelta(minutes=1))
        Case.objects.filter(pk=case.pk).update(due_at=due, warn_at=None)
        cases[label] = Case.objects.get(pk=case.pk)
    return cases


def _walk(world, sort, size=2):
    """Every page from the first through ``next``, then back through ``previous``."""
    forward, back = [], []
    page = selectors.case_queue_page(
        officer=world.clerk, filters=CaseFilters(sort=sort), size=size, now=T0
    )
    forward.append(page)
    while page.next:
        page = selectors.case_queue_page(
            officer=world.clerk, filters=CaseFilters(sort=sort), cursor=page.next, size=size,
            now=T0,
        )  # fmt: skip
        forward.append(page)
    back.append(page)
    while page.previous:
        page = selectors.case_queue_page(
            officer=world.clerk, filters=CaseFilters(sort=sort), cursor=page.previous,
            size=size, now=T0,
        )  # fmt: skip
        back.append(page)
    return forward, back


def _labels(cases, page):
    by_pk = {c.pk: label for label, c in cases.items()}
    return [by_pk[c.pk] for c in page.rows]


@pytest.fixture
def queue():
    world = case_world()
    # Received in this order (a, b, …); due: d and e share a deadline (then by id: d first);
    # b and f have none.
    cases = _queue(
        world,
        [
            ("a", T0 + 3 * DAY),
            ("b", None),
            ("c", T0 + 1 * DAY),
            ("d", T0 + 2 * DAY),
            ("e", T0 + 2 * DAY),
            ("f", None),
            ("g", T0 - 1 * DAY),
        ],
    )
    return world, cases


def test_next_pages_walk_the_queue_by_due_date_no_deadline_last_and_back(queue):
    world, cases = queue
    forward, back = _walk(world, "due")
    assert [_labels(cases, p) for p in forward] == [["g", "c"], ["d", "e"], ["a", "b"], ["f"]]
    assert forward[0].previous is None and forward[-1].next is None
    assert [_labels(cases, p) for p in back] == [["f"], ["a", "b"], ["d", "e"], ["g", "c"]]


def test_latest_due_first_still_puts_no_deadline_last(queue):
    world, cases = queue
    forward, back = _walk(world, "-due", size=3)
    assert [_labels(cases, p) for p in forward] == [["a", "e", "d"], ["c", "g", "f"], ["b"]]
    assert [_labels(cases, p) for p in back][-1] == ["a", "e", "d"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("received", [["a", "b", "c"], ["d", "e", "f"], ["g"]]),
        ("-received", [["g", "f", "e"], ["d", "c", "b"], ["a"]]),
    ],
)
def test_received_sorts_page_by_cursor(queue, sort, expected):
    world, cases = queue
    forward, _back = _walk(world, sort, size=3)
    assert [_labels(cases, p) for p in forward] == expected


def test_a_previous_cursor_near_the_start_gives_a_full_first_page(queue):
    # Given the second page of three, then "c" is closed: going back finds one row before
    world, cases = queue
    first = selectors.case_queue_page(officer=world.clerk, size=2, now=T0)
    second = selectors.case_queue_page(officer=world.clerk, cursor=first.next, size=2, now=T0)
    Case.objects.filter(pk=cases["c"].pk).update(closed_at=T0)
    # When the officer goes back
    back = selectors.case_queue_page(officer=world.clerk, cursor=second.previous, size=2, now=T0)
    # Then they see the first page as it is now, full
    assert _labels(cases, back) == ["g", "d"]
    assert back.previous is None


def test_the_cursor_keeps_the_filters(queue):
    world, cases = queue
    Case.objects.filter(pk=cases["d"].pk).update(assignee=world.clerk)
    Case.objects.filter(pk=cases["f"].pk).update(assignee=world.clerk)
    Case.objects.filter(pk=cases["a"].pk).update(assignee=world.clerk)
    mine = CaseFilters(assignee="me")
    first = selectors.case_queue_page(officer=world.clerk, filters=mine, size=2, now=T0)
    rest = selectors.case_queue_page(
        officer=world.clerk, filters=mine, cursor=first.next, size=2, now=T0
    )
    assert (_labels(cases, first), _labels(cases, rest)) == (["d", "a"], ["f"])
    red = selectors.case_queue_page(officer=world.clerk, filters=CaseFilters(light="red"), now=T0)
    assert _labels(cases, red) == ["g"]


def test_another_departments_officer_gets_nothing_from_a_cursor(queue):
    world, _cases = queue
    first = selectors.case_queue_page(officer=world.clerk, size=2, now=T0)
    other = case_world()
    assert selectors.case_queue_page(officer=other.clerk, cursor=first.next, now=T0).rows == []


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "eyJzIjoiZHVlIn0",  # {"s":"due"}: no position
        # {"s":"due","g":0,"v":null,"i":1,"b":false}: a deadline segment without a deadline
        "eyJzIjoiZHVlIiwiZyI6MCwidiI6bnVsbCwiaSI6MSwiYiI6ZmFsc2V9",
    ],
)
def test_a_damaged_cursor_is_refused(queue, cursor):
    world, _cases = queue
    with pytest.raises(InvalidCursor):
        selectors.case_queue_page(officer=world.clerk, cursor=cursor, now=T0)


def test_a_cursor_of_another_sort_is_refused(queue):
    world, _cases = queue
    first = selectors.case_queue_page(officer=world.clerk, size=2, now=T0)
    with pytest.raises(InvalidCursor):
        selectors.case_queue_page(
            officer=world.clerk, filters=CaseFilters(sort="received"), cursor=first.next, now=T0
        )


def test_counts_stop_at_the_cap(queue):
    world, _cases = queue
    # 7 open, 1 overdue (g, due yesterday); a cap of 5 counts "5+" open and red exactly.
    counts = selectors.case_queue_counts(officer=world.clerk, now=T0, cap=5)
    assert (counts.red, counts.red_capped) == (1, False)
    assert counts.open_capped and counts.open == 6
    assert selectors.case_queue_counts(officer=world.clerk, now=T0).open == 7


# --------------------------------------------------------------------------------- the API


def _client(user) -> Client:
    client = Client()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(user)
    return client


def test_api_pages_by_cursor_and_old_clients_first_page_still_works(queue):
    world, cases = queue
    clerk = _client(world.clerk)
    first = clerk.get("/api/v1/officer/cases", {"page": 1, "page_size": 4}).json()
    assert [r["number"] for r in first["results"]] == [cases[k].number for k in "gcde"]
    assert (first["count"], first["pages"], first["previous"]) == (7, 2, None)
    rest = clerk.get("/api/v1/officer/cases", {"cursor": first["next"], "page_size": 4}).json()
    assert [r["number"] for r in rest["results"]] == [cases[k].number for k in "abf"]
    assert rest["next"] is None
    back = clerk.get("/api/v1/officer/cases", {"cursor": rest["previous"], "page_size": 4})
    assert [r["number"] for r in back.json()["results"]] == [cases[k].number for k in "gcde"]
    # The deprecated offset page still answers
    second = clerk.get("/api/v1/officer/cases", {"page": 2, "page_size": 4}).json()
    assert [r["number"] for r in second["results"]] == [cases[k].number for k in "abf"]


def test_api_offset_pages_past_a_capped_count_answer_and_never_overflow(queue, monkeypatch):
    """7 open cases counted with a cap of 5 ("5+"): page 3 of 2 is served (empty: the real
    count is unknown to the page), page 2 holds the last two; a page whose offset would pass
    2**31 - 1 rows is a 422 naming page, not a database overflow (a 500)."""
    world, cases = queue
    monkeypatch.setattr(selectors, "QUEUE_COUNT_CAP", 5)
    clerk = _client(world.clerk)

    second = clerk.get("/api/v1/officer/cases", {"page": 2, "page_size": 4}).json()
    third = clerk.get("/api/v1/officer/cases", {"page": 3, "page_size": 4})
    deep = clerk.get("/api/v1/officer/cases", {"page": 2**62, "page_size": 100})

    assert [r["number"] for r in second["results"]] == [cases[k].number for k in "abf"]
    assert (third.status_code, third.json()["results"]) == (200, [])
    assert deep.status_code == 422
    assert deep.json()["errors"] == [
        {
            "field": "page",
            "message": f"Page {2**62} is too deep for numbered pages: use the cursor.",
        }
    ]


@pytest.mark.parametrize("cursor", ["not-a-cursor", "eyJzIjoiZHVlIn0"])
def test_api_refuses_a_bad_cursor_naming_the_field(queue, cursor):
    world, _cases = queue
    response = _client(world.clerk).get("/api/v1/officer/cases", {"cursor": cursor})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["cursor"]


def test_api_refuses_a_cursor_of_another_sort(queue):
    world, _cases = queue
    clerk = _client(world.clerk)
    first = clerk.get("/api/v1/officer/cases", {"page_size": 2}).json()
    response = clerk.get("/api/v1/officer/cases", {"cursor": first["next"], "sort": "-due"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "cursor"


def test_the_cases_around_a_case_follow_the_queue_order(queue):
    world, cases = queue
    around = selectors.case_queue_neighbours(officer=world.clerk, case=cases["d"], now=T0)
    assert around.previous.pk == cases["c"].pk
    assert [c.pk for c in around.following] == [cases[k].pk for k in "eabf"]
    last = selectors.case_queue_neighbours(officer=world.clerk, case=cases["f"], now=T0)
    assert (last.previous.pk, last.following) == (cases["b"].pk, [])
    # A case closed since (not in the queue any more) still finds its place
    Case.objects.filter(pk=cases["a"].pk).update(closed_at=T0)
    gone = selectors.case_queue_neighbours(officer=world.clerk, case=cases["a"], now=T0)
    assert (gone.previous.pk, gone.following[0].pk) == (cases["e"].pk, cases["b"].pk)


def test_each_row_of_a_page_has_its_light_at_the_instant_asked(queue):
    # Given the queue above, g overdue since yesterday, c due tomorrow (warned from today),
    # and a paused at yellow (its clock stopped while it was due soon)
    world, cases = queue
    Case.objects.filter(pk=cases["c"].pk).update(warn_at=T0)
    Case.objects.filter(pk=cases["a"].pk).update(paused_light="yellow")

    def lights(now):
        pages = [selectors.case_queue_page(officer=world.clerk, size=3, now=now)]
        while pages[-1].next:
            pages.append(
                selectors.case_queue_page(
                    officer=world.clerk, size=3, now=now, cursor=pages[-1].next
                )
            )
        return {_labels(cases, p)[i]: c.light for p in pages for i, c in enumerate(p.rows)}

    # Then at T0: g red, c yellow (warned), a yellow (paused), the others green
    assert lights(T0) == {
        "g": "red", "c": "yellow", "d": "green", "e": "green", "a": "yellow",
        "b": "green", "f": "green",
    }  # fmt: skip
    # And two days later, in the same process (the page's query is reused): c and the
    # cases due then are red, a still yellow (paused)
    assert lights(T0 + 2 * DAY + timedelta(minutes=1)) == {
        "g": "red", "c": "red", "d": "red", "e": "red", "a": "yellow",
        "b": "green", "f": "green",
    }  # fmt: skip
    # And each is what the queue's SQL rule says (lights.light_expression)
    listed = selectors.case_list_for_officer(officer=world.clerk, now=T0)
    assert {c.pk: c.light for c in listed} == {
        cases[label].pk: light for label, light in lights(T0).items()
    }
