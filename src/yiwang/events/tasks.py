"""Background jobs of the events app (registered in ``EventsConfig.ready``)."""

from __future__ import annotations

from datetime import datetime


def cards_round(at: datetime | None = None) -> tuple[int, str]:
    """One scheduler round: yellow and red cards."""
    from yiwang.events.services import cards_refresh

    changed = cards_refresh(at=at)
    return changed, f"{changed} card(s) changed" if changed else ""


def open311_intake_round(at: datetime | None = None) -> tuple[int, str]:
    """One scheduler round: the queued Open311 requests (the intake workers' safety net)."""
    from yiwang.events.services import open311_intake_register

    taken = total = 0
    while (taken := open311_intake_register(limit=500)) > 0:
        total += taken
    return total, f"{total} queued Open311 request(s) taken" if total else ""
