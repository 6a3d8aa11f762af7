"""Sign-for limits in working hours and handling limits in working days, on the real 2026
calendar (国办发明电〔2025〕7号), hand-worked; the cards' instants."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from yiwang.core.calendar import load_calendar
from yiwang.events import deadlines

from ..factories import SHANGHAI


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


def end_of(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 23, 59, 59, 999999, tzinfo=SHANGHAI)


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("dispatched", "hours", "due"),
    [
        # Tuesday 3 March 10:00 + 2 office hours: 12:00 the same day.
        (at(2026, 3, 3, 10), 2, at(2026, 3, 3, 12)),
        # Friday 6 March 16:00: one hour on Friday (16–17), one on Monday 9 March (9–10).
        (at(2026, 3, 6, 16), 2, at(2026, 3, 9, 10)),
        # Saturday 7 March 11:00 (not a working day): from Monday's opening, 9:00 + 2 h.
        (at(2026, 3, 7, 11), 2, at(2026, 3, 9, 11)),
        # Evening of Tuesday 3 March (20:00): from Wednesday's opening.
        (at(2026, 3, 3, 20), 2, at(2026, 3, 4, 11)),
        # Friday 3 April 16:30: half an hour, then Qingming (4–6 April), then Tuesday 7 April
        # 9:00 + 1.5 h.
        (at(2026, 4, 3, 16, 30), 2, at(2026, 4, 7, 10, 30)),
        # Friday 8 May 16:00: Saturday 9 May is a worked day (调休), 9:00 + 1 h.
        (at(2026, 5, 8, 16), 2, at(2026, 5, 9, 10)),
        # A 12-hour limit from Monday 2 March 9:00: 8 h Monday, 4 h Tuesday.
        (at(2026, 3, 2, 9), 12, at(2026, 3, 3, 13)),
    ],
)
def test_sign_for_limit_counts_working_hours(dispatched, hours, due):
    assert deadlines.sign_due(load_calendar(), dispatched, Decimal(hours)) == due


@pytest.mark.parametrize(
    ("dispatched", "days", "due"),
    [
        # Monday 2 March: 3, 4, 5, 6, 9 March → the end of Monday 9 March.
        (at(2026, 3, 2, 9, 1), 5, end_of(2026, 3, 9)),
        # Wednesday 1 April: 2, 3, 7, 8, 9 April (Qingming 4–6 April) → Thursday 9 April.
        (at(2026, 4, 1, 15), 5, end_of(2026, 4, 9)),
        # Thursday 30 April: 6, 7, 8, 9 (worked Saturday), 11 May (Labour Day 1–5 May).
        (at(2026, 4, 30, 10), 5, end_of(2026, 5, 11)),
    ],
)
def test_handling_limit_counts_working_days_from_dispatch(dispatched, days, due):
    assert deadlines.handle_due(load_calendar(), dispatched, days) == due


def test_cards_yellow_one_working_day_before_and_red_from_the_first_overdue_day():
    cal = load_calendar()
    due = end_of(2026, 3, 9)  # dispatched Monday 2 March, 5 working days

    yellow = deadlines.handle_yellow_at(cal, due)

    assert yellow == at(2026, 3, 9, 0)  # one working day (Monday 9 March) left
    assert deadlines.card(at(2026, 3, 8, 23), yellow_at=yellow, due=due) == ""
    assert deadlines.card(at(2026, 3, 9, 0), yellow_at=yellow, due=due) == "yellow"
    assert deadlines.card(end_of(2026, 3, 9), yellow_at=yellow, due=due) == "yellow"
    assert deadlines.card(at(2026, 3, 10, 0), yellow_at=yellow, due=due) == "red"


def test_sign_card_turns_yellow_at_half_the_limit():
    # Friday 6 March 16:00, 2 working hours: half is used at Friday's closing, 17:00.
    assert deadlines.sign_yellow_at(load_calendar(), at(2026, 3, 6, 16), 2) == at(2026, 3, 6, 17)


def test_an_extension_moves_the_deadline_by_working_days():
    # Due at the end of Monday 9 March; +3 working days: 10, 11, 12 March.
    assert deadlines.extend(load_calendar(), end_of(2026, 3, 9), 3) == end_of(2026, 3, 12)
