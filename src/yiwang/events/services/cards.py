"""The scheduler's job: turn sign-for and handling cards yellow and red (黄牌/红牌)."""

from __future__ import annotations

from datetime import datetime


def cards_refresh(*, at: datetime | None = None) -> int:
    """Recompute the cards of open events whose card should change by ``at``; returns how many
    changed. Each change gets a history entry (``card_yellow``/``card_red``), an audit entry
    and a notification to the department. Safe to run twice."""
    raise NotImplementedError
