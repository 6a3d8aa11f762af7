"""Shandong, Jinan and Jinan's 12 county-level divisions (GB/T 2260 codes, since the 2019 merger of Laiwu)."""

# ruff: noqa: E501 - data: long bilingual strings read better on one line

from __future__ import annotations

PROVINCE = {
    "code": "370000",
    "name_zh": "山东省",
    "name_en": "Shandong Province",
    "level": "province",
}
CITY = {"code": "370100", "name_zh": "济南市", "name_en": "Jinan", "level": "city"}

# (code, Chinese name, English name, level)
DIVISIONS = [
    ("370102", "历下区", "Lixia District", "district"),
    ("370103", "市中区", "Shizhong District", "district"),
    ("370104", "槐荫区", "Huaiyin District", "district"),
    ("370105", "天桥区", "Tianqiao District", "district"),
    ("370112", "历城区", "Licheng District", "district"),
    ("370113", "长清区", "Changqing District", "district"),
    ("370114", "章丘区", "Zhangqiu District", "district"),
    ("370115", "济阳区", "Jiyang District", "district"),
    ("370116", "莱芜区", "Laiwu District", "district"),
    ("370117", "钢城区", "Gangcheng District", "district"),
    ("370124", "平阴县", "Pingyin County", "county"),
    ("370126", "商河县", "Shanghe County", "county"),
]


def regions() -> list[dict[str, str | None]]:
    """Every region in load order (parents first), with its parent's code."""
    rows: list[dict[str, str | None]] = [{**PROVINCE, "parent": None}, {**CITY, "parent": "370000"}]
    rows += [
        {"code": code, "name_zh": zh, "name_en": en, "level": level, "parent": "370100"}
        for code, zh, en, level in DIVISIONS
    ]
    return rows
