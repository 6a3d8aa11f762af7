"""The scheduler's job: turn sign-for and handling cards yellow and red (黄牌/红牌).

Yellow 1 working day before a deadline, red from the first overdue day
(``yiwang.events.deadlines``). A handling red card also raises a 督办单
(trigger ``overdue``): the rules call for one when a matter is overdue.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from yiwang.events import deadlines
from yiwang.events.models import Card, Event, Status, SupervisionOrder
from yiwang.events.services import _common as c

#: States in which a department holds the event and its cards turn: dispatched, handling,
#: or disputed (if the dispute fails, the time was the department's). A returned event is
#: the centre's until it reassigns it, and the new unit's clock starts then.
CLOCK_RUNS = (Status.DISPATCHED, Status.HANDLING, Status.ARBITRATION)


def _due_cards(event: Event, at: datetime) -> tuple[str, str]:
    cal = c.calendar()
    sign = event.sign_card
    if event.status == Status.DISPATCHED and event.signed_at is None and event.sign_due_at:
        assert event.dispatched_at is not None
        sign = deadlines.card(
            at,
            yellow_at=deadlines.sign_yellow_at(
                cal, event.dispatched_at, event.category.sign_limit_hours
            ),
            due=event.sign_due_at,
        )
    handle = event.handle_card
    if event.status in CLOCK_RUNS and event.handle_due_at:
        handle = deadlines.card(
            at,
            yellow_at=deadlines.handle_yellow_at(cal, event.handle_due_at),
            due=event.handle_due_at,
        )
    return sign, handle


def cards_refresh(*, at: datetime | None = None) -> int:
    """Recompute the cards of open events whose card should change by ``at``; returns how many
    changed. Each change gets a history entry (``card_yellow``/``card_red``), an audit entry
    and a notification to the lead department. Safe to run twice."""
    at = c.now(at)
    candidates = (
        Event.objects.filter(status__in=CLOCK_RUNS)
        .filter(~Q(handle_card=Card.RED) | Q(status=Status.DISPATCHED, signed_at__isnull=True))
        .select_related("category")
        .only("pk")
    )
    changed = 0
    for pk in candidates.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            event = (
                Event.objects.select_for_update(of=("self",)).select_related("category").get(pk=pk)
            )
            sign, handle = _due_cards(event, at)
            if (sign, handle) == (event.sign_card, event.handle_card):
                continue
            changes = {}
            if sign != event.sign_card:
                changes["sign"] = sign
            if handle != event.handle_card:
                changes["handle"] = handle
            event.sign_card, event.handle_card = sign, handle
            c.save(event, ["sign_card", "handle_card"], at)
            for clock, colour in changes.items():
                c.record(
                    event,
                    f"card_{colour or 'cleared'}",
                    actor=None,
                    at=at,
                    department=event.lead_department,
                    data={"clock": clock},
                )
                if event.lead_department is not None:
                    c.notify_department(
                        event.lead_department,
                        "event_card",
                        event,
                        {"clock": clock, "card": colour},
                    )
            changed += 1
            if changes.get("handle") == Card.RED and event.lead_department is not None:
                from yiwang.events.services.handling import supervision_issue

                supervision_issue(
                    actor=None,
                    event=event,
                    note="Overdue: the handling limit has passed.",
                    trigger=SupervisionOrder.Trigger.OVERDUE,
                    at=at,
                )
    return changed
