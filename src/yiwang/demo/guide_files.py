"""The demo guides' files, generated at load time (not kept in git as binary blobs):
a blank application form (空白表格) and a filled-in sample (示范文本) built from each
service's form schema, and a sample of the result (结果样本), marked 样本 (sample).

Drawn with ReportLab in the notices' CJK font (``cases.notices``).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping
from typing import Any

from yiwang.cases.answers import ordered_properties
from yiwang.cases.notices import notice_font

#: A sample answer by format, then by type (the 示范文本's values; fictitious).
_SAMPLE_BY_FORMAT = {
    "date": "2026年3月3日",
    "cn-resident-id": "370102199001011234（示例）",
    "cn-uscc": "91370102MA3XXXXXXX（示例）",
    "cn-phone": "13800000000",
    "cn-postcode": "250000",
    "email": "example@example.com",
}


def _sample_answer(spec: Mapping[str, Any]) -> str:
    if spec.get("enum"):
        names = spec.get("enumNames") or spec["enum"]
        return f"☑ {names[0]}"
    if spec.get("format") in _SAMPLE_BY_FORMAT:
        return _SAMPLE_BY_FORMAT[str(spec["format"])]
    kind = spec.get("type")
    if kind in ("integer", "number"):
        return "1"
    if kind == "boolean":
        return "是"
    return "张三（示例）" if "姓名" in str(spec.get("title", "")) else "（按实际情况填写）"


def _rows(schema: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Mapping[str, Any]]]:
    rows: list[tuple[str, Mapping[str, Any]]] = []
    for key, spec in ordered_properties(schema):
        title = f"{prefix}{spec.get('title') or key}"
        if isinstance(spec.get("properties"), Mapping):
            rows += _rows(spec, f"{title} · ")
        elif isinstance(spec.get("items"), Mapping) and spec["items"].get("properties"):
            rows += _rows(spec["items"], f"{title} · ")
        else:
            rows.append((title, spec))
    return rows


def _pdf(title: str, department: str, story_rows: list[list[str]], note: str) -> bytes:
    return _pdf_drawn(title, department, tuple(tuple(row) for row in story_rows), note)


@functools.lru_cache(maxsize=512)
def _pdf_drawn(
    title: str, department: str, story_rows: tuple[tuple[str, ...], ...], note: str
) -> bytes:
    """The PDF, drawn once per process: it is invariant (no date, no random id), and drawing
    the 144 of the demo with the embedded CJK font takes seconds that every later
    ``load_demo`` in the process (the test suite loads the demo often) would pay again."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = notice_font()
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=18, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, fontSize=18, leading=28, alignment=TA_CENTER)
    table = Table(
        [[Paragraph(cell, body) for cell in row] for row in story_rows],
        colWidths=[60 * mm, 95 * mm],
    )
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, title=title, author=department, invariant=True)
    doc.build(
        [
            Paragraph(title, head),
            Paragraph(department, ParagraphStyle("dept", parent=body, alignment=TA_CENTER)),
            Spacer(1, 6 * mm),
            table,
            Spacer(1, 6 * mm),
            Paragraph(note, body),
        ]
    )
    return out.getvalue()


def blank_form_pdf(*, name: str, department: str, schema: Mapping[str, Any]) -> bytes:
    """The application form of a service as a table with empty answers (空白表格)."""
    rows = [[title, ""] for title, _spec in _rows(schema)] or [["申请事项", name]]
    return _pdf(
        f"《{name}》申请表", department, rows, "申请人（签名或盖章）：　　　　　　年　　月　　日"
    )


def sample_form_pdf(*, name: str, department: str, schema: Mapping[str, Any]) -> bytes:
    """The same form filled in as an example (示范文本)."""
    rows = [[title, _sample_answer(spec)] for title, spec in _rows(schema)] or [["申请事项", name]]
    return _pdf(
        f"《{name}》申请表（示范文本）",
        department,
        rows,
        "本示范文本所填内容均为示例，请按本人实际情况填写。",
    )


def result_sample_pdf(*, result: str, department: str) -> bytes:
    """A sample of what the applicant receives, marked as a sample (结果样本)."""
    rows = [
        ["证照名称", result],
        ["编号", "（样本）"],
        ["持证人", "张三（示例）"],
        ["发证机关", f"{department}（印章）"],
        ["发证日期", "2026年3月3日"],
    ]
    return _pdf(f"{result}（样本）", department, rows, "样本仅供参考，不具有法律效力。")
