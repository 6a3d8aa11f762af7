"""Plain data of the engine: commands in; state, events and outcomes out. All JSON-serialisable."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone, tzinfo
from types import MappingProxyType
from typing import Any, Literal, TypeVar, cast
from zoneinfo import ZoneInfo

ClockMode = Literal["runs", "suspended", "excluded"]
ClockUnit = Literal["working_days", "hours"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})
_T = TypeVar("_T")
# Zones whose utcoffset() is never None: an aware datetime in one needs no further check.
ALWAYS_AWARE = frozenset({ZoneInfo, timezone})


def aware(moment: datetime, what: str = "at") -> datetime:
    """``moment`` itself if aware; a naive datetime is refused (no zone is ever assumed)."""
    if not isinstance(moment, datetime):
        raise TypeError(f"{what} must be a datetime, not {type(moment).__name__}")
    zone = moment.tzinfo
    if zone is None or (type(zone) not in ALWAYS_AWARE and moment.utcoffset() is None):
        raise ValueError(f"{what} must be an aware datetime, not naive {moment!r}")
    return moment


# Deadlines and warning instants recur: every case due on the same day shares one. Both
# conversions remember their recent answers (up to _MEMO entries, then start afresh).
_MEMO = 4096
_PARSED: dict[str, datetime] = {}
_FORMATTED: dict[int, tuple[datetime, str]] = {}


# One tzinfo object per UTC offset for the instants parse_moment reads. Two datetimes that
# share one tzinfo *object* compare by their fields alone; any other pair first asks both
# for utcoffset(), several times slower. fromisoformat builds a new timezone per call, so
# two deadlines (or a deadline and an ``at`` the engine converted to their zone, see
# moves._comparable) would never share one. The shared objects are equal to the ones
# fromisoformat builds (a timezone is its offset), with the same repr: nothing else changes.
_ZONES: dict[tzinfo, tzinfo] = {}


def parse_moment(text: str) -> datetime:
    """``datetime.fromisoformat(text)``, remembered: equal texts give the same instance, and
    equal offsets the same tzinfo object."""
    # A hit is a subscript, not .get(): no method call on the common path.
    if text in _PARSED:
        return _PARSED[text]
    moment = datetime.fromisoformat(text)
    zone = moment.tzinfo
    if zone is not None:
        if len(_ZONES) >= _MEMO:  # a handful of offsets in practice; bounded all the same
            _ZONES.clear()
        shared = _ZONES.setdefault(zone, zone)
        if shared is not zone:
            moment = moment.replace(tzinfo=shared)
    if len(_PARSED) >= _MEMO:
        _PARSED.clear()
    _PARSED[text] = moment
    return moment


def iso_moment(moment: datetime) -> str:
    """``moment.isoformat()``, remembered per instance (by identity, so never mistaken for
    an equal instant in another zone; the entry holds the instance, so its id stays its own)."""
    key = id(moment)
    if key in _FORMATTED:  # and a subscript: no method call on the common path
        hit = _FORMATTED[key]
        if hit[0] is moment:
            return hit[1]
    text = moment.isoformat()
    if len(_FORMATTED) >= _MEMO:
        _FORMATTED.clear()
    _FORMATTED[id(moment)] = (moment, text)
    return text


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
    ``provisional``: the deadline was counted through a year whose holiday
    schedule was not known yet (on its statutory holidays); it holds until
    the schedule is entered and the clock is rescheduled.
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
    provisional: bool = False

    def to_json(self) -> dict[str, Any]:
        raw = {
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
        if self.provisional:  # only then: states from before the flag stay as they were
            raw["provisional"] = True
        return raw

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
            provisional=raw.get("provisional", False),
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


# --- building instances on the hot path ------------------------------------------------------
#
# A frozen dataclass's __init__ sets each field through object.__setattr__, and calling a
# class with a Python __init__ is slow in itself: together they cost more than everything
# else evolve does. The engine builds its events, clocks and states with a plain function
# instead, on a twin class (the same slots, no __init__, plain assignments); the instance
# then becomes the frozen class, as ``__class__`` may change between classes of the same
# layout. The result is an ordinary instance of the dataclass, equal to one built by its
# __init__.


def _fast_constructor(cls: type[_T]) -> Callable[..., _T]:
    """A constructor of frozen slots dataclass ``cls`` taking every field, in order."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    slots: tuple[str, ...] = cls.__dict__["__slots__"]
    if tuple(names) != slots:
        raise TypeError(f"{cls.__name__}: its fields are not its slots, in the same order")
    twin = type(f"_{cls.__name__}Twin", (), {"__slots__": slots})
    assigns = "".join(f"    self.{name} = {name}\n" for name in names)
    source = (
        f"def new_{cls.__name__}({', '.join(names)}):\n"
        f"    self = twin()\n{assigns}    self.__class__ = frozen\n    return self\n"
    )
    namespace: dict[str, Any] = {}
    # As dataclasses writes __init__: from the class's own field names, nothing else.
    exec(source, {"twin": twin, "frozen": cls}, namespace)  # noqa: S102
    return cast("Callable[..., _T]", namespace[f"new_{cls.__name__}"])


#: ``Event(type, at, data)``.
new_event = _fast_constructor(Event)
#: ``ClockState(...)`` with all thirteen fields, in declaration order.
new_clock = _fast_constructor(ClockState)
#: ``State(...)`` with all seven fields, in declaration order.
new_state = _fast_constructor(State)


@dataclass(frozen=True, slots=True)
class Outcome:
    """The new state and the events that led to it, in order (record them all)."""

    state: State
    events: tuple[Event, ...]


#: ``Outcome(state, events)``.
new_outcome = _fast_constructor(Outcome)
