"""Recording views of a reporter's personal data (访问留痕), as the cases app records its own.

Reads are not state changes, but an official who sees a reporter's phone, name or resident
ID in full is recorded in the audit log, through this one function, so every page and
endpoint that shows the reporter records it the same way. Appending takes no shared lock.
"""

from __future__ import annotations

from typing import Any

from yiwang.core.audit import audit_record
from yiwang.events.models import Event
from yiwang.events.selectors import event_reporter_view


def event_reporter_seen(*, user: Any, event: Event) -> dict[str, str]:
    """The reporter as ``user`` may see them (``selectors.event_reporter_view``); when that
    shows anything in full to someone other than the reporter, the audit entry
    ``event.personal_data_view`` records who saw which event."""
    reporter = event_reporter_view(user=user, event=event)
    in_full = [
        field
        for field, stored in (
            ("phone", event.reporter_phone),
            ("name", event.reporter_name),
            ("resident_id", event.reporter_resident_id),
        )
        if stored and reporter.get(field) == stored
    ]
    if in_full and getattr(user, "pk", None) != event.citizen_id:
        audit_record(
            actor=user,
            action="event.personal_data_view",
            target=event,
            data={"number": event.number, "fields": in_full},
        )
    return reporter
