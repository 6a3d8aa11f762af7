"""Cross-cutting hooks that core offers the domain apps (core imports none of them).

Receivers are connected in the receiving app's ``AppConfig.ready()``.
"""

from __future__ import annotations

from django.dispatch import Signal

#: The holiday calendar of some years changed (a schedule entered, corrected or removed).
#: Sent inside the transaction of the change, with ``years`` (a sorted list of ints) and
#: ``actor``; the deadlines counted through those years must be counted again.
calendar_edited = Signal()
