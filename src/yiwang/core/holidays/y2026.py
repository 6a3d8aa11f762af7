"""2026: 国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）.

Copied from the notice as published by Xinhua on 2025-11-04
(e.g. https://politics.gmw.cn/2025-11/04/content_38391083.htm). Each period is
the notice's span "放假调休" (first to last day, weekends included) and the
weekend days it names "上班".
"""

from yiwang.core.holidays.schedule import Period, Schedule

SCHEDULE = Schedule(
    year=2026,
    source="国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号），2025-11-04",
    notes="https://politics.gmw.cn/2025-11/04/content_38391083.htm",
    periods=(
        Period("元旦", "New Year's Day", "2026-01-01", "2026-01-03", ("2026-01-04",)),
        Period("春节", "Spring Festival", "2026-02-15", "2026-02-23", ("2026-02-14", "2026-02-28")),
        Period("清明节", "Qingming Festival", "2026-04-04", "2026-04-06"),
        Period("劳动节", "Labour Day", "2026-05-01", "2026-05-05", ("2026-05-09",)),
        Period("端午节", "Dragon Boat Festival", "2026-06-19", "2026-06-21"),
        Period("中秋节", "Mid-Autumn Festival", "2026-09-25", "2026-09-27"),
        Period("国庆节", "National Day", "2026-10-01", "2026-10-07", ("2026-09-20", "2026-10-10")),
    ),
)
