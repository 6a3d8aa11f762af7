"""What the generator starts from: its constants (workflows, the sample file, names of
generated citizens), the sizes asked for, and its refusal.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

#: The workflows the generator knows paths through (every demo service uses one of them).
WORKFLOWS = ("licensing", "public_service")
#: Username prefix of generated citizens.
CITIZEN_PREFIX = "gen-"
#: The one file every generated upload points at.
SAMPLE_PATH = "generated/sample.pdf"
SAMPLE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
#: Share of cases filed by the demo's own citizen account ("citizen"), so one applicant
#: has thousands of cases (an agent filing for many people) at a million.
DEMO_CITIZEN_SHARE = 0.0025

_SURNAMES = "".join(
    [
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁",
        "谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈",
    ]
)
_GIVEN = "".join(
    [
        "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞",
        "平刚桂英华建国晓红玉兰志强海燕鹏飞子涵浩然欣怡梓萱一诺",
    ]
)


class HistoryRefused(Exception):
    """The database cannot take a generated history (SQLite, no demo city, not empty)."""


@dataclass
class Sizes:
    """Rows written per table."""

    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, table: str, n: int = 1) -> None:
        self.rows[table] += n

    @property
    def total(self) -> int:
        return sum(self.rows.values())
