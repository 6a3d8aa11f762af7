"""The statutory holidays of a year without a published schedule (全国年节及纪念日放假办法).

Expected dates are hand-worked from the law as amended in 2024 (国务院令第795号,
art. 2) and the published lunar calendar: 2027's Spring Festival (正月初一) is
Sat 6 Feb, so 除夕 is Fri 5 Feb and 初三 Mon 8 Feb; 端午 (五月初五) is Wed 9 Jun;
中秋 (八月十五) Wed 15 Sep; the Qingming solar term falls on Mon 5 Apr.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yiwang.core.holidays import SHIPPED, shipped_calendar
from yiwang.core.holidays.statutory import statutory_holidays, statutory_weekday_holidays
from yiwang.core.workingdays import WorkingCalendar

D = date


def test_the_2027_statutory_holidays_as_the_law_fixes_them():
    days = {d.date: d.name_zh for d in statutory_holidays(2027)}

    assert days == {
        D(2027, 1, 1): "元旦",
        D(2027, 2, 5): "春节（除夕）",
        D(2027, 2, 6): "春节",
        D(2027, 2, 7): "春节",
        D(2027, 2, 8): "春节",
        D(2027, 4, 5): "清明节",
        D(2027, 5, 1): "劳动节",
        D(2027, 5, 2): "劳动节",
        D(2027, 6, 9): "端午节",
        D(2027, 9, 15): "中秋节",
        D(2027, 10, 1): "国庆节",
        D(2027, 10, 2): "国庆节",
        D(2027, 10, 3): "国庆节",
    }


def test_only_the_weekday_ones_change_a_count_and_no_adjusted_day_is_guessed():
    assert statutory_weekday_holidays(2027) == {
        D(2027, 1, 1),
        D(2027, 2, 5),
        D(2027, 2, 8),
        D(2027, 4, 5),
        D(2027, 6, 9),
        D(2027, 9, 15),
        D(2027, 10, 1),
    }


def test_the_2027_examples_of_docs_calendar_md():
    cal = shipped_calendar()  # 2025 and 2026 published; 2027 counted on its statutory days

    # Received Mon 21 Dec 2026, 10 working days: 22–25, 28–31 Dec, (1 Jan off), 4, 5 Jan.
    assert cal.add_working_days(D(2026, 12, 21), 10) == D(2027, 1, 5)
    # Accepted Mon 1 Feb 2027, 10 working days: 2–4, (5, 8 off), 9–12, 15–17 Feb.
    assert cal.add_working_days(D(2027, 2, 1), 10) == D(2027, 2, 17)
    # Tue 28 Sep 2027, 5 working days: 29, 30 Sep, (1 Oct off), 4, 5, 6 Oct.
    assert cal.add_working_days(D(2027, 9, 28), 5) == D(2027, 10, 6)
    assert all(cal.is_provisional(D(2026, 12, 21), due) for due in (D(2027, 1, 5), D(2027, 10, 6)))


def test_a_provisional_deadline_can_move_later_or_earlier_once_the_notice_is_in():
    # docs/calendar.md: an invented 2027 notice shaped like 2026's, "2月5日至13日放假调休，
    # 2月20日（星期六）上班" (with 1–3 Jan off).
    provisional = shipped_calendar()
    holidays = [D(2027, 1, d) for d in (1, 2, 3)] + [D(2027, 2, d) for d in range(5, 14)]
    final = WorkingCalendar(
        holidays=[*holidays, *_published(2025, 2026, "holiday")],
        workdays=[D(2027, 2, 20), *_published(2025, 2026, "workday")],
        years=[2025, 2026, 2027],
    )

    # Later: from Mon 1 Feb, 10 days end Wed 17 Feb provisionally, Mon 22 Feb finally.
    assert provisional.add_working_days(D(2027, 2, 1), 10) == D(2027, 2, 17)
    assert final.add_working_days(D(2027, 2, 1), 10) == D(2027, 2, 22)
    # Earlier: from Wed 17 Feb, 5 days end Wed 24 Feb provisionally, Tue 23 Feb finally
    # (Sat 20 Feb is worked).
    assert provisional.add_working_days(D(2027, 2, 17), 5) == D(2027, 2, 24)
    assert final.add_working_days(D(2027, 2, 17), 5) == D(2027, 2, 23)
    assert not final.is_provisional(D(2027, 2, 17), D(2027, 2, 23))


def _published(first: int, last: int, kind: str) -> list[date]:
    return [d.date for y in range(first, last + 1) for d in SHIPPED[y].days() if d.kind == kind]


@pytest.mark.parametrize("year", sorted(SHIPPED))
def test_every_statutory_weekday_holiday_is_off_in_the_published_notices(year):
    # The notices (transcribed from 国办发明电〔2024〕12号 and 〔2025〕7号) are an independent
    # source: each statutory day that falls on a weekday lies in one of their periods off.
    published = {d.date for d in SHIPPED[year].days() if d.kind == "holiday"}

    assert statutory_weekday_holidays(year) <= published


@given(year=st.integers(min_value=2025, max_value=2099))
def test_every_year_from_2025_has_the_festivals_the_2024_amendment_lists(year):
    days = statutory_holidays(year)
    dates = [d.date for d in days]
    by_name: dict[str, list[date]] = {}
    for d in days:
        for name in d.name_zh.split("、"):
            by_name.setdefault(name, []).append(d.date)

    assert by_name["元旦"] == [D(year, 1, 1)]
    assert by_name["劳动节"] == [D(year, 5, 1), D(year, 5, 2)]
    assert by_name["国庆节"] == [D(year, 10, 1), D(year, 10, 2), D(year, 10, 3)]
    assert by_name["清明节"][0] in {D(year, 4, 4), D(year, 4, 5), D(year, 4, 6)}
    eve, *spring = by_name["春节（除夕）"] + by_name["春节"]
    assert spring == [eve + timedelta(days=i) for i in (1, 2, 3)]  # 除夕 to 初三, 4 days
    assert D(year, 1, 20) <= eve <= D(year, 2, 19)  # 正月初一 falls 21 Jan – 20 Feb
    # 13 days, one fewer when 中秋 falls within 1–3 October (as in 2028 and 2031).
    assert (
        len(dates)
        == len(set(dates))
        == (12 if "中秋节、国庆节" in {d.name_zh for d in days} else 13)
    )


def test_a_year_the_rule_cannot_count_is_refused():
    with pytest.raises(ValueError, match="2100"):
        statutory_holidays(2100)
