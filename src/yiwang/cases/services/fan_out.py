"""After the commit: a case event told to the world (the outbox of the timeline entries).

A case service writes its timeline entry with ``outbox`` (what is to be told) in its
transaction (``_common.timeline``), and nothing else for it; the scheduler's relay
(:func:`case_events_fan_out`, every ``YIWANG_OUTBOX_RELAY_SECONDS``) finds the entries
still holding an outbox (a partial index) and runs :func:`case_event_fan_out` for each,
which announces the domain events the notifications and integrations apps subscribe
to: ``case.timeline`` (webhooks), ``case.notify`` (the applicant) and
``case.rectification_opened`` (the department's supervisors). The submit (and every
command) thus writes no notification, deliveries, tasks or webhook deliveries; they
are written here, in one short transaction per event. (The ``fan_out_case_event``
task, which the services enqueued before the relay, stays for the tasks still queued
by an older release.)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from yiwang.cases.models import CaseTimelineEntry, RectificationTask
from yiwang.cases.services._common import CASE_EVENT_COLUMNS
from yiwang.core.events import announce


def case_event_fan_out(*, entry_id: int) -> bool:
    """Announce what the timeline entry ``entry_id`` has to tell; False if nothing (any more).

    Idempotent and safe from two relays at once: the entry row is claimed (``SELECT … FOR
    UPDATE SKIP LOCKED``: another relay holding it skips it) and its ``outbox`` cleared in
    the transaction that writes the notifications, deliveries and their tasks, so a second
    run finds nothing to do, and a run that fails half-way leaves the outbox for the next
    wake-up of the relay.
    The subscribers see the case as it was when the event happened (the entry's snapshot
    of :data:`CASE_EVENT_COLUMNS`, its department), not as it is now.
    """
    with transaction.atomic():
        entry = (
            CaseTimelineEntry.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related(
                "case__applicant", "case__service_version__item", "case__department", "department"
            )
            .filter(pk=entry_id, outbox__isnull=False)
            .first()
        )
        if entry is None:
            return False
        outbox: dict[str, Any] = dict(entry.outbox or {})
        entry.outbox = None
        entry.save(update_fields=["outbox"])
        case = entry.case
        for name in CASE_EVENT_COLUMNS:
            if name in outbox.get("case", {}):
                value = outbox["case"][name]
                field = case._meta.get_field(name)
                if value is not None and field.get_internal_type() == "DateTimeField":
                    value = datetime.fromisoformat(value)
                setattr(case, name, value)
        if entry.department is not None:
            case.department = entry.department
        task_id = outbox.get("rectification")
        if task_id is not None:
            task = RectificationTask.objects.select_related("rating").filter(pk=task_id).first()
            if task is not None:
                announce("case.rectification_opened", case=case, task=task)
        announce("case.timeline", case=case, entry=entry)
        notify = outbox.get("notify")
        if notify:
            announce("case.notify", case=case, kind=notify["kind"], context=notify["context"])
    return True


def case_events_fan_out(*, limit: int = 500) -> int:
    """Fan out the entries still holding an outbox, oldest first, at most ``limit``; returns
    how many were fanned out. The relay the scheduler runs every second (and the tests'
    worker): one indexed query when there is nothing to do."""
    pending = list(
        CaseTimelineEntry.objects.filter(outbox__isnull=False)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    return sum(case_event_fan_out(entry_id=entry_id) for entry_id in pending)
