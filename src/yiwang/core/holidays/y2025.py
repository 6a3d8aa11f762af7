"""2025: 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）.

Copied from the notice as published by Xinhua on 2024-11-12
(e.g. https://m.gmw.cn/2024-11/12/content_1303894933.htm). Each period is the
notice's span "放假调休" (first to last day, weekends included) and the
weekend days it names "上班".
"""

from yiwang.core.holidays.schedule import Period, Schedule

SCHEDULE = Schedule(
    year=2025,
    source="国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号），2024-11-12",
    notes=(
        "First schedule under the Measures on National Holidays as revised in November 2024 "
        "(Spring Festival and Labour Day each one day longer). "
        "https://m.gmw.cn/2024-11/12/content_1303894933.htm"
    ),
    periods=(
        Period("元旦", "New Year's Day", "2025-01-01", "2025-01-01"),
        Period("春节", "Spring Festival", "2025-01-28", "2025-02-04", ("2025-01-26", "2025-02-08")),
        Period("清明节", "Qingming Festival", "2025-04-04", "2025-04-06"),
        Period("劳动节", "Labour Day", "2025-05-01", "2025-05-05", ("2025-04-27",)),
        Period("端午节", "Dragon Boat Festival", "2025-05-31", "2025-06-02"),
        Period(
            "国庆节、中秋节",
            "National Day and Mid-Autumn Festival",
            "2025-10-01",
            "2025-10-08",
            ("2025-09-28", "2025-10-11"),
        ),
    ),
)
