"""Rows a process reads on every request of a hot path, trusted for a few seconds.

Some rows are read by every request of a kind: an API request's bearer token and
its owner; an Open311 POST's key and the category it files under. Reading them
cost more than the rest of a queued Open311 POST (about 3.5 of its 7.7 ms of
CPU, docs/open311.md) and about 1.2 ms of every API request, and they change a
few times a year. :class:`Rechecked` keeps what one lookup found,
per process, and looks again once the entry is older than a setting's seconds;
0 looks on every call (the tests' setting, so a test sees every change at once).

What the staleness means is said where each one is used: a change made in
another process is seen by this one at most that many seconds later; the
process that makes it calls :meth:`Rechecked.clear` and sees it at once.
Nothing is remembered for a lookup that found nothing, so a row created
meanwhile (a key just issued) is found on the next call, and garbage keys do
not fill the memory. The entries are bounded (``max_entries``; beyond it the
oldest half is dropped).

Values are shared between the requests of a process: callers treat them as
read-only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from django.conf import settings

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


_every: list[Rechecked[Any, Any]] = []


def recheck_forget_all() -> None:
    """Every :class:`Rechecked` of the process forgets what it holds (tests that turn the
    setting on start and end with this)."""
    for cache in _every:
        cache.clear()


class Rechecked(Generic[K, V]):
    """``load(key)`` remembered per key for ``settings.<setting>`` seconds (see the module)."""

    def __init__(
        self, setting: str, load: Callable[[K], V | None], *, max_entries: int = 2_000
    ) -> None:
        self.setting = setting
        self.load = load
        self.max_entries = max_entries
        self._entries: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()
        _every.append(self)

    def seconds(self) -> float:
        """How long an entry is trusted, read from the settings at each call."""
        return float(getattr(settings, self.setting, 0) or 0)

    def get(self, key: K) -> V | None:
        """What ``load(key)`` returned at most :meth:`seconds` ago, else a fresh ``load``."""
        seconds = self.seconds()
        now = time.monotonic()
        if seconds > 0:
            entry = self._entries.get(key)
            if entry is not None and now - entry[0] < seconds:
                return entry[1]
        value = self.load(key)
        if value is not None and seconds > 0:
            with self._lock:
                if len(self._entries) >= self.max_entries:
                    oldest = sorted(self._entries.items(), key=lambda item: item[1][0])
                    for stale, _entry in oldest[: self.max_entries // 2]:
                        del self._entries[stale]
                self._entries[key] = (now, value)
        return value

    def clear(self) -> None:
        """Forget everything: this process's next lookups read the database."""
        with self._lock:
            self._entries.clear()
