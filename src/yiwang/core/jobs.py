"""Periodic jobs: each app registers its own, the scheduler runs them all.

``manage.py run_scheduler`` (in core) runs every registered job once per
round, in the order they were registered, and knows none of the apps: each
registers its jobs in its ``AppConfig.ready()`` with :func:`register_periodic`.
A job takes the round's instant (``None``: now) and returns how many things
it changed and a short summary for the log (``""``: nothing to say).

A *relay* (:func:`register_relay`) is a job that carries an outbox forward (events
committed in a request, told to the world after): the scheduler runs the relays at
every wake-up, every ``YIWANG_OUTBOX_RELAY_SECONDS`` (1 s), not once per round, so
that what a request committed is announced within about a second without the
request writing a task row of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    run: Callable[[datetime | None], tuple[int, str]]


_jobs: dict[str, PeriodicJob] = {}


def register_periodic(name: str, run: Callable[[datetime | None], tuple[int, str]]) -> None:
    """Run ``run`` in every scheduler round (registering a name twice replaces it)."""
    _jobs[name] = PeriodicJob(name, run)


def periodic_jobs() -> list[PeriodicJob]:
    """The registered jobs, in registration order."""
    return list(_jobs.values())


_relays: dict[str, PeriodicJob] = {}


def register_relay(name: str, run: Callable[[datetime | None], tuple[int, str]]) -> None:
    """Run ``run`` at every wake-up of the scheduler (registering a name twice replaces it).
    It must be cheap when there is nothing to do (one indexed query) and safe to run in
    several schedulers at once (claim with ``SKIP LOCKED``)."""
    _relays[name] = PeriodicJob(name, run)


def relay_jobs() -> list[PeriodicJob]:
    """The registered relays, in registration order."""
    return list(_relays.values())
