"""The written notices an applicant receives, rendered as PDF (受理通知书, 不予受理决定书,
一次性告知书, 准予/不予行政许可决定书).

Each document type has a Chinese text template (``templates/cases/notices/<kind>.txt``,
paragraphs separated by blank lines, rendered with Django's template engine so values
are escaped for ReportLab's paragraph markup); :func:`notice_pdf` lays it out on A4
under the department's name, the title and the document number, and closes it with
the department's name, a seal placeholder (（印章）) and the date of issue.

The PDF is drawn with ReportLab and a CJK TrueType font that is embedded (subset) in
the file: WenQuanYi Zen Hei, Debian's ``fonts-wqy-zenhei``. Without it
the notices fall back to ReportLab's built-in, non-embedded STSong-Light and
``manage.py check`` warns (cases.W001), naming the package.

Document numbers are derived from the case number (:func:`notice_number`).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

FONT_NAME = "WenQuanYiZenHei"
#: Where Debian's fonts-wqy-zenhei puts the font (a TrueType collection; the first face).
FONT_PATHS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc"),
)
FONT_PACKAGE = "fonts-wqy-zenhei"

#: The title printed on each document type, and the code in its number.
TITLES = {
    "acceptance": "受理通知书",
    "refusal_to_accept": "不予受理决定书",
    "supplement": "补正材料一次性告知书",
    "approval": "准予行政许可决定书",
    "denial": "不予行政许可决定书",
}
NUMBER_CODES = {
    "acceptance": "SL",
    "refusal_to_accept": "BSL",
    "supplement": "BZ",
    "approval": "ZY",
    "denial": "BY",
}


def notice_number(case_number: str, kind: str, ordinal: int = 1) -> str:
    """The document number: the case number, the type's code and, for the supplement notice
    (a case may receive one at intake and one in review), its ordinal.

    ``370100-20260303-000001``, acceptance → ``370100-20260303-000001-SL``;
    supplement, second → ``370100-20260303-000001-BZ2``.
    """
    code = NUMBER_CODES[kind]
    return f"{case_number}-{code}{ordinal}" if kind == "supplement" else f"{case_number}-{code}"


def chinese_date(at: datetime) -> str:
    """The local date in the way Chinese official documents write it: ``2026年3月3日``."""
    day = timezone.localtime(at).date()
    return f"{day.year}年{day.month}月{day.day}日"


#: ReportLab's built-in Adobe CID font for Simplified Chinese: used when no TrueType font is
#: installed. It is not embedded: a reader shows it with its own Chinese font (every current
#: browser and PDF reader has one), and the text stays extractable. An office that prints
#: notices installs the TrueType font, which is embedded.
FALLBACK_FONT = "STSong-Light"


def notice_font() -> str:
    """The registered name of the notices' font: the installed TrueType font, embedded, or
    else :data:`FALLBACK_FONT` (``manage.py check`` warns, cases.W001)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    registered = pdfmetrics.getRegisteredFontNames()
    if FONT_NAME in registered:
        return FONT_NAME
    for path in FONT_PATHS:
        if path.exists():
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
            return FONT_NAME
    if FALLBACK_FONT not in registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


def notice_paragraphs(kind: str, context: Mapping[str, Any]) -> list[str]:
    """The body of a notice of type ``kind``: its template rendered with ``context``, one
    string per paragraph, the values escaped and a paragraph's line breaks as ``<br/>``
    (markup that ReportLab and HTML read alike). The PDF and the officer's preview before
    a decision (the workbench's confirmation page) both print these."""
    text = render_to_string(f"cases/notices/{kind}.txt", dict(context))  # autoescaped
    # Safe: the templates are the repository's, every value in them escaped, and the only
    # markup added is the line break.
    return [mark_safe(p.strip().replace("\n", "<br/>")) for p in text.split("\n\n") if p.strip()]  # noqa: S308


def notice_pdf(
    *,
    kind: str,
    number: str,
    department: str,
    issued_at: datetime,
    context: Mapping[str, Any],
) -> bytes:
    """The PDF of a notice of type ``kind`` (a key of :data:`TITLES`); ``context`` fills
    its template. Deterministic: the same arguments give the same bytes."""
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    font = notice_font()
    body = ParagraphStyle(
        "body", fontName=font, fontSize=12, leading=21, wordWrap="CJK", spaceAfter=6
    )
    header = ParagraphStyle("header", parent=body, fontSize=18, leading=26, alignment=TA_CENTER)
    title = ParagraphStyle("title", parent=header, fontSize=20, leading=30, spaceAfter=10)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT)

    paragraphs = notice_paragraphs(kind, context)
    story: list[Any] = [
        Paragraph(department, header),
        Paragraph(TITLES[kind], title),
        Paragraph(f"文号：{number}", right),
        Spacer(1, 4 * mm),
        *(Paragraph(p, body) for p in paragraphs),
        Spacer(1, 12 * mm),
        Paragraph(department, right),
        Paragraph("（印章）", right),
        Paragraph(chinese_date(issued_at), right),
    ]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=37 * mm,
        bottomMargin=35 * mm,
        title=f"{TITLES[kind]} {number}",
        author=department,
        invariant=True,
    )
    doc.build(story)
    return out.getvalue()


def check_notice_font(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """System check (``manage.py check``): warn when the notices' CJK font is missing, so a
    deployment learns it before the first acceptance fails."""
    from django.core.checks import Warning

    if any(path.exists() for path in FONT_PATHS):
        return []
    return [
        Warning(
            "The CJK font of the applicants' PDF notices is missing: notices are drawn with "
            "ReportLab's built-in STSong-Light, which is not embedded in the PDF.",
            hint=f"apt-get install {FONT_PACKAGE}",
            id="cases.W001",
        )
    ]
