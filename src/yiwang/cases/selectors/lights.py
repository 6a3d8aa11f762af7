"""The deadline light of a case (green, yellow, red; "" when closed): one rule, in SQL for
queues and lists (from the denormalised ``due_at`` / ``warn_at`` / ``paused_light``
columns) and in Python for one case."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Case as SqlCase
from django.db.models import CharField, Q, Value, When
from django.utils import timezone

from yiwang.cases.models import Case


def _open() -> Q:
    return Q(closed_at__isnull=True)


def _red(now: datetime) -> Q:
    return _open() & (Q(paused_light="red") | Q(paused_light="", due_at__lt=now))


def _yellow(now: datetime) -> Q:
    return _open() & (
        Q(paused_light="yellow") | Q(paused_light="", warn_at__lte=now, due_at__gte=now)
    )


def light_expression(now: datetime) -> SqlCase:
    """The deadline light as an SQL expression: "red", "yellow", "green", "" when closed."""
    return SqlCase(
        When(closed_at__isnull=False, then=Value("")),
        When(_red(now), then=Value("red")),
        When(_yellow(now), then=Value("yellow")),
        default=Value("green"),
        output_field=CharField(),
    )


def case_light(case: Case, now: datetime | None = None) -> str:
    """green / yellow / red from the denormalised columns (same rule as the queue's SQL);
    "" for a closed case."""
    now = now or timezone.now()
    if case.closed_at is not None:
        return ""
    if case.paused_light:
        return case.paused_light
    if case.due_at is not None and case.due_at < now:
        return "red"
    if case.warn_at is not None and case.warn_at <= now:
        return "yellow"
    return "green"
