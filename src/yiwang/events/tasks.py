"""Background jobs of the events app (registered in ``EventsConfig.ready``)."""

from __future__ import annotations

from datetime import datetime


def cards_round(at: datetime | None = None) -> tuple[int, str]:
    """One scheduler round: yellow and red cards."""
    from yiwang.events.services import cards_refresh

    changed = cards_refresh(at=at)
    return changed, f"{changed} card(s) changed" if changed else ""
