"""The instant the tests run at: the default, and how a test names another.

The fixtures that stop the clock are in ``tests/conftest.py``; the convention
is explained in ``docs/testing.md``.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

#: Tuesday 3 March 2026, 10:00 in Jinan: the instant every test runs at unless
#: it chooses another with ``@pytest.mark.frozen_at(...)``.
#:
#: - A working day of the shipped 2026 schedule (国办发明电〔2025〕7号), a week
#:   after the Spring Festival break (15–23 February, Saturday 28 February
#:   worked) and a month before Qingming (4–6 April): an acceptance limit of
#:   5 working days from it ends on Tuesday 10 March, a promised limit of 10 on
#:   Tuesday 17 March, the legal 20 on Tuesday 31 March: the limits counted
#:   from it stay inside 2026, whose schedule ships with the code.
#: - The day after ``T0`` of the case presets (``tests/factories.py``,
#:   Monday 2 March, 09:00): a preset case is one working day old when a test
#:   acts "now", inside every limit and far from overdue.
#: - Office hours, so nothing lands on a day boundary in UTC (02:00 UTC).
NOW = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

#: Where a running clock starts for what runs outside any test (migrations, the live
#: server, Chromium's launch): the midnight before ``T0``, so the test database is set
#: up before anything a test does at its instant, as it would be in life (the calendar's
#: cache, for one, takes the newest ``updated_at`` of its years for a change).
SETUP = datetime(2026, 3, 2, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def instant(value: datetime | str) -> datetime:
    """An aware datetime from a ``frozen_at`` argument (a datetime or an ISO 8601 string).

    Naive values are refused: "10:00" means nothing until it says where.
    """
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(parsed, datetime) or parsed.tzinfo is None:
        raise ValueError(
            f"frozen_at needs an aware datetime or an ISO string with an offset, not {value!r}"
        )
    return parsed
