"""Plain data of the engine: commands in; state, events and outcomes out. All JSON-serialisable."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Literal

ClockMode = Literal["runs", "suspended", "excluded"]
ClockUnit = Literal["working_days", "hours"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def aware(moment: datetime, what: str = "at") -> datetime:
    """``moment`` itself if aware; a naive datetime is refused (no zone is ever assumed)."""
    if not isinstance(moment, datetime):
        raise TypeError(f"{what} must be a datetime, not {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime, not naive {moment!r}")
    return moment


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _dt(text: Any) -> datetime | None:
    return None if text is None else aware(datetime.fromisoformat(text))


class Light(enum.StrEnum):
    """The deadline light of a case: on track, within the warning window, overdue."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


@dataclass(frozen=True, slots=True)
class Command:
    """``role`` asks for ``name`` with its ``fields``; ``branch`` picks a parallel branch."""

    name: str
    role: str
    fields: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    branch: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened to a case; ``data`` holds JSON values only."""

    type: str
    at: datetime
    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "at": self.at.isoformat(), "data": self.data}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Event:
        at = _dt(raw["at"])
        assert at is not None
        return cls(type=str(raw["type"]), at=at, data=dict(raw.get("data") or {}))


@dataclass(frozen=True, slots=True)
class ClockState:
    """One running or paused clock (a statutory period) of a case.

    ``deadline`` is the last instant still on time; ``warn_at`` the instant the
    warning window opens. While paused (``paused_at`` set, ``mode`` suspended
    or excluded) neither comes due. ``suspended`` and ``excluded`` add up the
    paused time in the clock's unit (working days, or seconds for an hours clock).
    """

    name: str
    unit: ClockUnit
    started_at: datetime
    deadline: datetime
    warn_at: datetime
    mode: ClockMode = "runs"
    paused_at: datetime | None = None
    suspended: float = 0
    excluded: float = 0
    extensions: int = 0
    warned: bool = False
    overdue: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "started_at": self.started_at.isoformat(),
            "deadline": self.deadline.isoformat(),
            "warn_at": self.warn_at.isoformat(),
            "mode": self.mode,
            "paused_at": _iso(self.paused_at),
            "suspended": self.suspended,
            "excluded": self.excluded,
            "extensions": self.extensions,
            "warned": self.warned,
            "overdue": self.overdue,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> ClockState:
        started, deadline, warn = _dt(raw["started_at"]), _dt(raw["deadline"]), _dt(raw["warn_at"])
        assert started is not None and deadline is not None and warn is not None
        return cls(
            name=raw["name"],
            unit=raw["unit"],
            started_at=started,
            deadline=deadline,
            warn_at=warn,
            mode=raw["mode"],
            paused_at=_dt(raw.get("paused_at")),
            suspended=raw.get("suspended", 0),
            excluded=raw.get("excluded", 0),
            extensions=raw.get("extensions", 0),
            warned=raw.get("warned", False),
            overdue=raw.get("overdue", False),
        )

    @property
    def running(self) -> bool:
        return self.mode == "runs"


@dataclass(frozen=True, slots=True)
class BranchState:
    """One parallel branch (e.g. one department's review) and the state it is in."""

    name: str
    status: str

    def to_json(self) -> list[str]:
        return [self.name, self.status]


@dataclass(frozen=True, slots=True)
class State:
    """Where a case stands: small, immutable, JSON-serialisable.

    ``status`` is the current state's name (while branches are open, the
    fork state's); ``branches`` the open parallel branches; ``clocks`` the
    clocks running or paused; ``version`` grows by one per outcome that
    changed the state (a command applied, or a time-based change noticed).
    """

    workflow: str
    status: str
    version: int
    started_at: datetime
    updated_at: datetime
    branches: tuple[BranchState, ...] = ()
    clocks: tuple[ClockState, ...] = ()

    @property
    def statuses(self) -> tuple[str, ...]:
        """The state names the case is in: the main one, then each open branch's."""
        return (self.status, *(b.status for b in self.branches))

    def clock(self, name: str) -> ClockState | None:
        for c in self.clocks:
            if c.name == name:
                return c
        return None

    def branch(self, name: str) -> BranchState | None:
        for b in self.branches:
            if b.name == name:
                return b
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "workflow": self.workflow,
            "status": self.status,
            "version": self.version,
            "started_at": self.started_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "branches": [b.to_json() for b in self.branches],
            "clocks": [c.to_json() for c in self.clocks],
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> State:
        started, updated = _dt(raw["started_at"]), _dt(raw["updated_at"])
        assert started is not None and updated is not None
        return cls(
            workflow=raw["workflow"],
            status=raw["status"],
            version=int(raw["version"]),
            started_at=started,
            updated_at=updated,
            branches=tuple(BranchState(n, s) for n, s in raw.get("branches", ())),
            clocks=tuple(ClockState.from_json(c) for c in raw.get("clocks", ())),
        )


@dataclass(frozen=True, slots=True)
class Outcome:
    """The new state and the events that led to it, in order (record them all)."""

    state: State
    events: tuple[Event, ...]
