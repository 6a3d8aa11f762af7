"""Rows a process reads on every request of a hot path, trusted for a few seconds.

Some rows are read by every request of a kind: an API request's bearer token and
its owner; an Open311 POST's key and the category it files under. Reading them
cost 3.6 of a queued Open311 POST's 7.7 ms of CPU (docs/open311.md) and about
1.2 ms of every API request, and they change a few times a year.
:class:`Rechecked` keeps what one lookup found, per process, and looks again
once the entry is older than a setting's seconds; 0 looks on every call (the
tests' setting, so a test sees every change at once).

What the staleness means is said where each one is used: a change made in
another process is seen by this one at most that many seconds later; where a
change must count at once in the process that makes it (revoking a token or a
key), that process calls :meth:`Rechecked.clear` after its commit, and a lookup
running meanwhile does not store the row it read before.
Nothing is remembered for a lookup that found nothing, so a row created
meanwhile (a key just issued) is found on the next call, and garbage keys do
not fill the memory. The entries are bounded (``max_entries``; beyond it the
oldest half is dropped).

Values are shared between the requests of a process: a caller only reads them,
or keeps their bookkeeping current (``last_used_at``); a caller that hands one
to code that may change it gives that code a copy (the API token, whose owner
becomes ``request.user``).
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
        #: Moved by :meth:`clear`: a lookup that began before a clear does not store what it
        #: read (the row as it was before the revocation the clear follows).
        self._generation = 0
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
        generation = self._generation
        value = self.load(key)
        if value is not None and seconds > 0:
            with self._lock:
                if generation != self._generation:
                    return value
                if len(self._entries) >= self.max_entries:
                    oldest = sorted(self._entries.items(), key=lambda item: item[1][0])
                    for stale, _entry in oldest[: self.max_entries // 2]:
                        del self._entries[stale]
                self._entries[key] = (now, value)
        return value

    def clear(self) -> None:
        """Forget everything: this process's next lookups read the database."""
        with self._lock:
            self._generation += 1
            self._entries.clear()
