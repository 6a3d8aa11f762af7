"""Every write of the events app: one function per use case (STYLE.md).

Each takes keyword-only typed arguments, runs in ``transaction.atomic()``,
checks the actor may act, drives the ``city_event`` workflow through
``processes.services.workflow_execute``, saves only the changed fields,
appends the event's history entry and the audit entry, and enqueues its
notifications in the same transaction.
"""

from __future__ import annotations

from yiwang.events.services.access import event_reporter_seen
from yiwang.events.services.callback import event_callback, event_close, event_reopen
from yiwang.events.services.cards import cards_refresh
from yiwang.events.services.config import (
    api_key_issue,
    api_key_revoke,
    article_save,
    directory_publish,
    districts_load,
)
from yiwang.events.services.dispatch import (
    event_arbitrate,
    event_dispatch,
    event_dispute,
    event_reassign,
    event_return,
    event_sign,
)
from yiwang.events.services.handling import (
    event_extend_decide,
    event_extend_request,
    event_handle,
    event_reply,
    supervision_answer,
    supervision_issue,
)
from yiwang.events.services.intake import (
    dead_letter_record,
    event_alarm,
    event_answer_directly,
    event_merge,
    event_register,
    event_split,
)
from yiwang.events.services.open311 import open311_intake_register, open311_request_enqueue
from yiwang.events.services.rating import event_rate_by_link

__all__ = [
    "api_key_issue",
    "api_key_revoke",
    "article_save",
    "cards_refresh",
    "dead_letter_record",
    "directory_publish",
    "districts_load",
    "event_alarm",
    "event_answer_directly",
    "event_arbitrate",
    "event_callback",
    "event_close",
    "event_dispatch",
    "event_dispute",
    "event_extend_decide",
    "event_extend_request",
    "event_handle",
    "event_merge",
    "event_rate_by_link",
    "event_reassign",
    "event_register",
    "event_reopen",
    "event_reply",
    "event_reporter_seen",
    "event_return",
    "event_sign",
    "event_split",
    "open311_intake_register",
    "open311_request_enqueue",
    "supervision_answer",
    "supervision_issue",
]
