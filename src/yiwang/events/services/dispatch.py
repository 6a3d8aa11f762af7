"""Dispatch (派单), sign-for (签收), return (退单), reassignment (改派), dispute and arbitration.

国办函〔2025〕66号: a maintained dispatch directory; when the responsible unit
is unclear the centre fixes a lead and supporting units; streamlined return
and reassignment; a dispute review for dispatch (派单异议审核). 山东省政务服务
热线管理办法: a unit returns a matter outside its remit within 2 working days,
with a reason. After two returns between the same units, or on a dispute, a
supervisor decides and the decision binds. The handling clock runs from
dispatch; the bounce time counts against whoever was wrong
(``yiwang.events.deadlines``, docs/events.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from yiwang.events.models import Event
from yiwang.identity.models import Department


def event_dispatch(
    *,
    actor: Any,
    event: Event,
    lead: Department | None = None,
    supporting: Sequence[Department] = (),
    reason: str = "",
    at: datetime | None = None,
) -> Event:
    """Dispatch a registered event to its lead department (+ supporting) (派单).

    With no ``lead``: from the current dispatch directory by category and
    district (the rule's supporting units too); ``EventInvalid`` when the
    directory has none. A manual ``lead`` overriding the directory needs a
    ``reason``. Starts the handling clock and the sign-for limit
    (``sign_due_at``, ``handle_due_at``). Operators, supervisors, or the
    system (``actor`` None). Departments are notified. Audit ``event.dispatch``.
    """
    raise NotImplementedError


def event_sign(
    *, actor: Any, event: Event, department: Department | None = None, at: datetime | None = None
) -> Event:
    """Sign for a dispatched event (签收) as a handler of its lead department.

    A supporting department's handler signs its own part (the event's state
    does not change). Late signing is allowed and shows on the card.
    """
    raise NotImplementedError


def event_return(
    *,
    actor: Any,
    event: Event,
    reason: str,
    department: Department | None = None,
    at: datetime | None = None,
) -> Event:
    """Return the event to the centre, not our remit (退单), within the return window.

    Only the lead department's handler, with a reason, within the category's
    ``return_window_days`` working days of dispatch (else ``WindowClosed``).
    The second return between the same units refers the event to
    arbitration (``escalate``) instead of waiting for the centre.
    """
    raise NotImplementedError


def event_reassign(
    *,
    actor: Any,
    event: Event,
    lead: Department,
    supporting: Sequence[Department] = (),
    reason: str,
    at: datetime | None = None,
) -> Event:
    """Reassign the event to another lead department (改派), with a reason.

    Operators or supervisors. The centre's dispatch was wrong: the new unit's
    handling clock starts afresh from this dispatch.
    """
    raise NotImplementedError


def event_dispute(
    *,
    actor: Any,
    event: Event,
    reason: str,
    department: Department | None = None,
    at: datetime | None = None,
) -> Event:
    """Dispute the dispatch (派单异议): the lead department's handler asks for arbitration."""
    raise NotImplementedError


def event_arbitrate(
    *,
    actor: Any,
    event: Event,
    lead: Department,
    fault: str,
    decision: str,
    supporting: Sequence[Department] = (),
    at: datetime | None = None,
) -> Event:
    """A supervisor decides which unit handles the event; the decision binds (仲裁).

    ``fault`` ``department``: the refusal was wrong, the bounce time counts
    against it (its clock keeps running from its first dispatch); ``centre``:
    the dispatch was wrong, the decided unit's clock starts now.
    """
    raise NotImplementedError
