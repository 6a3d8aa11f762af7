"""The statutory public holidays of any year, for a year whose schedule is not entered yet.

The State Council publishes each year's holiday schedule (its 调休: bridging
days off and the weekends worked for them) only in November or December of
the year before. Until an administrator enters it, a year is counted on what
the law itself fixes, 全国年节及纪念日放假办法 as amended on 12 November 2024
(国务院令第795号, in force from 1 January 2025), art. 2:

- 元旦 New Year's Day: 1 January;
- 春节 Spring Festival: 4 days, 农历除夕 (the last day of the lunar year) to 正月初三;
- 清明节 Qingming: the day of the Qingming solar term (4, 5 or 6 April);
- 劳动节 Labour Day: 1 and 2 May;
- 端午节 Dragon Boat Festival: 五月初五;
- 中秋节 Mid-Autumn Festival: 八月十五;
- 国庆节 National Day: 1 to 3 October.

Only these days, never a guessed 调休: which weekday makes up for a holiday on
a weekend (art. 6) and which weekends are worked is the notice's to say.
Earlier years follow the rules in force then (no 除夕 and one day in May
before 2025), as the library encodes them.

The lunar dates and the solar term come from the ``holidays`` package's
China calendar (python-holidays, maintained by the Vacanza team), whose
lunisolar tables are reliable for 1901–2099. Its China class also lists the
published 调休 days off of the years it knows ("休息日（由 … 调休）"); only
the statutory festivals are kept here, by name.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Final

import holidays as holidays_library

from yiwang.core.holidays.schedule import Day
from yiwang.core.workingdays import STATUTORY_YEARS

#: The statutory festivals by the library's Chinese name: our Chinese and English names.
FESTIVALS: Final = {
    "元旦": ("元旦", "New Year's Day"),
    "农历除夕": ("春节（除夕）", "Spring Festival (New Year's Eve)"),
    "春节": ("春节", "Spring Festival"),
    "清明节": ("清明节", "Qingming Festival"),
    "劳动节": ("劳动节", "Labour Day"),
    "端午节": ("端午节", "Dragon Boat Festival"),
    "中秋节": ("中秋节", "Mid-Autumn Festival"),
    "国庆节": ("国庆节", "National Day"),
}

# The library marks a date it computed rather than took from a table ("春节（推定）").
_ESTIMATED: Final = "（推定）"


@cache
def statutory_holidays(year: int) -> tuple[Day, ...]:
    """The statutory holidays of ``year``, weekends included, sorted by date.

    Raises ValueError for a year outside :data:`STATUTORY_YEARS`.
    """
    if year not in STATUTORY_YEARS:
        first, last = STATUTORY_YEARS[0], STATUTORY_YEARS[-1]
        raise ValueError(f"statutory holidays are known for {first}–{last}, not {year}")
    calendar = holidays_library.country_holidays("CN", years=year, observed=False, language="zh_CN")
    days: list[Day] = []
    for day, names in sorted(calendar.items()):
        festivals = [
            name.removesuffix(_ESTIMATED)
            for name in str(names).split("; ")
            if name.removesuffix(_ESTIMATED) in FESTIVALS
        ]
        if festivals:
            zh = "、".join(dict.fromkeys(FESTIVALS[name][0] for name in festivals))
            en = ", ".join(dict.fromkeys(FESTIVALS[name][1] for name in festivals))
            days.append(Day(day, "holiday", zh, en))
    return tuple(days)


def statutory_weekday_holidays(year: int) -> frozenset[date]:
    """The statutory holidays of ``year`` that fall on Monday to Friday (the ones that count)."""
    return frozenset(d.date for d in statutory_holidays(year) if d.date.weekday() < 5)
