"""What the integrations services share: the moment an action happens."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def _now(at: datetime | None) -> datetime:
    return at if at is not None else timezone.now()
