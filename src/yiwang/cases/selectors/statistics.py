"""Counts of cases that identify no case and no person, for public pages (热门服务)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from yiwang.cases.models import Case


def case_counts_by_service(
    *, since: dt.datetime, until: dt.datetime, limit: int
) -> list[tuple[int, int]]:
    """``(service item id, cases received)`` over ``[since, until)``, most first, ties by id.

    One query over the ``(received_at, service_version)`` index. Counts only, so
    anyone may read them.
    """
    rows = (
        Case.objects.filter(received_at__gte=since, received_at__lt=until)
        .values("service_version__item_id")
        .annotate(received=Count("id"))
        .order_by("-received", "service_version__item_id")
        .values_list("service_version__item_id", "received")[:limit]
    )
    return [(item_id, received) for item_id, received in rows]
