"""A compiled workflow definition: states, transitions, clocks, and the engine's lookup tables.

Built by :mod:`yiwang.workflow.schema` from a YAML document; :func:`check`
finds the faults a well-formed document can still have (unreachable states,
unknown targets, a join with no fork, a final state with a way out, …).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from yiwang.workflow.errors import Problem
from yiwang.workflow.model import ClockMode, ClockUnit

FieldKind = Literal["text", "list", "number", "bool", "choice"]
WarningUnit = Literal["working_days", "hours", "fraction"]
# What a move between two states does to one clock.
ClockChange = tuple[str, ClockMode | None, ClockMode | None]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A field a command must carry: ``text`` (non-empty), ``list`` (non-empty, of text), …"""

    name: str
    kind: FieldKind
    options: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class WarningWindow:
    """When a clock turns yellow: the last N working days or hours, or a fraction of the limit."""

    unit: WarningUnit
    amount: float


@dataclass(frozen=True, slots=True)
class Expiry:
    """What happens when a clock runs out: the case moves to ``to`` and ``event`` is recorded.

    With ``backdate`` the move counts from the clock's start (deemed acceptance
    counts as accepted from receipt), so clocks it starts count from there.
    """

    event: str
    to: str
    backdate: bool


@dataclass(frozen=True, slots=True)
class ClockDef:
    """A statutory period: its limit in working days or hours, warning window, extension."""

    name: str
    title: str
    unit: ClockUnit
    limit: float
    warning: WarningWindow
    extension: float | None = None
    max_extensions: int = 0
    on_expiry: Expiry | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Fork:
    """Entering the state opens one branch per name, each at ``start``, to meet at ``join``."""

    branches: tuple[str, ...]
    start: str
    join: str


@dataclass(frozen=True, slots=True)
class StateDef:
    name: str
    title: str = ""
    description: str = ""
    final: bool = False
    clocks: Mapping[str, ClockMode] = field(default_factory=dict)
    fork: Fork | None = None
    quorum: int | None = None  # join states only: None = every branch
    is_join: bool = False
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Transition:
    """``command`` moves a case from any of ``sources`` to ``target`` (None: it stays)."""

    command: str
    sources: tuple[str, ...]
    target: str | None
    roles: frozenset[str]
    requires: tuple[FieldSpec, ...] = ()
    extends: str | None = None
    restarts: tuple[str, ...] = ()
    decision: bool = False
    title: str = ""
    line: int | None = None


class Definition:
    """A loaded, checked workflow. Immutable by convention; shared freely between threads."""

    __slots__ = (
        "_clock_changes",
        "branch_states",
        "clocks",
        "commands",
        "decided_after",
        "description",
        "expiry_events",
        "initial",
        "name",
        "roles",
        "states",
        "table",
        "title",
        "transitions",
        "version",
    )

    def __init__(
        self,
        *,
        name: str,
        title: str,
        description: str,
        version: int,
        initial: str,
        states: Mapping[str, StateDef],
        clocks: Mapping[str, ClockDef],
        transitions: tuple[Transition, ...],
        roles: Mapping[str, str],
    ) -> None:
        self.name = name
        self.title = title
        self.description = description
        self.version = version
        self.initial = initial
        self.states = dict(states)
        self.clocks = dict(clocks)
        self.transitions = transitions
        self.roles = dict(roles)
        self.table: dict[tuple[str, str], Transition] = {
            (s, t.command): t for t in transitions for s in t.sources
        }
        self.commands = frozenset(t.command for t in transitions)
        self.branch_states = frozenset(_branch_regions(self))
        self.expiry_events = {
            c.on_expiry.event: c.name for c in clocks.values() if c.on_expiry is not None
        }
        self.decided_after = _decided_after(self)
        self._clock_changes: dict[tuple[str, str], tuple[ClockChange, ...]] = {}

    def __repr__(self) -> str:
        return f"<Definition {self.name} v{self.version}: {len(self.states)} states>"

    def clock_changes(self, source: str, target: str) -> tuple[ClockChange, ...]:
        """Each clock whose mode differs between ``source`` and ``target``: (clock, from, to)."""
        key = (source, target)
        try:
            return self._clock_changes[key]  # no .get(): a method call costs more than a miss
        except KeyError:
            changes = self._clock_changes[key] = _clock_changes(self, source, target)
            return changes

    def successors(self, state: str) -> set[str]:
        """States one step from ``state``: transitions, a fork's branch start and join, expiries."""
        out = {t.target or state for t in self.transitions if state in t.sources}
        sd = self.states[state]
        if sd.fork is not None:
            out |= {sd.fork.start, sd.fork.join}
        for clock in sd.clocks:
            expiry = self.clocks[clock].on_expiry if clock in self.clocks else None
            if expiry is not None:
                out.add(expiry.to)
        return out & self.states.keys()


def _clock_changes(definition: Definition, source: str, target: str) -> tuple[ClockChange, ...]:
    # Apart from the remembering method: its comprehension would make its variables cells,
    # created on every call.
    a, b = definition.states[source].clocks, definition.states[target].clocks
    return tuple(
        (name, a.get(name), b.get(name)) for name in definition.clocks if a.get(name) != b.get(name)
    )


def _reachable(definition: Definition, starts: set[str]) -> set[str]:
    seen = set(starts)
    todo = list(starts)
    while todo:
        for nxt in definition.successors(todo.pop()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _branch_region(definition: Definition, fork: Fork) -> set[str]:
    """States a branch can be in: from the branch start up to (not including) the join."""
    if fork.start not in definition.states:
        return set()
    seen = {fork.start}
    todo = [fork.start]
    while todo:
        state = todo.pop()
        for t in definition.transitions:
            if state in t.sources:
                nxt = t.target or state
                if nxt != fork.join and nxt not in seen and nxt in definition.states:
                    seen.add(nxt)
                    todo.append(nxt)
    return seen


def _branch_regions(definition: Definition) -> set[str]:
    out: set[str] = set()
    for sd in definition.states.values():
        if sd.fork is not None:
            out |= _branch_region(definition, sd.fork)
    return out


def _decided_after(definition: Definition) -> dict[str, frozenset[str]]:
    """For each deciding command: the states past its point of no return.

    A state reachable from the command's sources that can never lead back to
    them means the question was settled, by this command or an alternative
    (accept / reject / deemed acceptance).
    """
    out: dict[str, frozenset[str]] = {}
    for t in definition.transitions:
        if not t.decision:
            continue
        sources = set(t.sources)
        after = _reachable(definition, sources) - sources
        past = {s for s in after if not (_reachable(definition, {s}) & sources)}
        out[t.command] = out.get(t.command, frozenset()) | past
    return out


def check(definition: Definition) -> list[Problem]:
    """Every structural fault of ``definition``; empty when it can be run."""
    problems: list[Problem] = []
    states = definition.states

    def bad(line: int | None, where: str, message: str) -> None:
        problems.append(Problem(line, where, message))

    if definition.initial not in states:
        bad(None, "initial", f"unknown state {definition.initial!r}")
    seen_pairs: dict[tuple[str, str], int] = {}
    for i, t in enumerate(definition.transitions):
        where = f"transitions[{i}]"
        for s in t.sources:
            if s not in states:
                bad(t.line, f"{where}.from", f"unknown state {s!r}")
            elif states[s].final:
                bad(t.line, f"{where}.from", f"final state {s!r} cannot have outgoing transitions")
            if (s, t.command) in seen_pairs:
                bad(
                    t.line,
                    f"{where}.command",
                    f"{t.command!r} from {s!r} is defined twice "
                    f"(first in transitions[{seen_pairs[s, t.command]}])",
                )
            seen_pairs[s, t.command] = i
        if t.target is not None and t.target not in states:
            bad(t.line, f"{where}.to", f"transition to unknown state {t.target!r}")
        if t.extends is not None:
            clock = definition.clocks.get(t.extends)
            if clock is None:
                bad(t.line, f"{where}.extends", f"unknown clock {t.extends!r}")
            elif clock.extension is None:
                bad(t.line, f"{where}.extends", f"clock {t.extends!r} allows no extension")
        for c in t.restarts:
            if c not in definition.clocks:
                bad(t.line, f"{where}.restarts", f"unknown clock {c!r}")
        if t.roles and definition.roles and not t.roles <= definition.roles.keys():
            unknown = sorted(t.roles - definition.roles.keys())
            bad(t.line, f"{where}.role", f"undeclared role(s) {', '.join(unknown)}")

    used_clocks: set[str] = set()
    joins_forked: set[str] = set()
    for name, sd in states.items():
        where = f"states.{name}"
        for c in sd.clocks:
            used_clocks.add(c)
            if c not in definition.clocks:
                bad(sd.line, f"{where}.clocks", f"unknown clock {c!r}")
        if sd.fork is not None:
            fork = sd.fork
            joins_forked.add(fork.join)
            if fork.start not in states:
                bad(sd.line, f"{where}.fork.start", f"unknown state {fork.start!r}")
            if fork.join not in states:
                bad(sd.line, f"{where}.fork.join", f"unknown state {fork.join!r}")
            elif not states[fork.join].is_join:
                bad(sd.line, f"{where}.fork.join", f"state {fork.join!r} is not a join")
            else:
                quorum = states[fork.join].quorum
                if quorum is not None and quorum > len(fork.branches):
                    bad(
                        states[fork.join].line,
                        f"states.{fork.join}.join.quorum",
                        f"quorum {quorum} exceeds the {len(fork.branches)} branches of {name!r}",
                    )
            region = _branch_region(definition, fork)
            reaches_join = False
            for b in region:
                bsd = states[b]
                if bsd.final or bsd.clocks or bsd.fork is not None:
                    bad(
                        bsd.line,
                        f"states.{b}",
                        "a branch state cannot be final, run clocks or fork again",
                    )
                for t in definition.transitions:
                    if b in t.sources and t.target == fork.join:
                        reaches_join = True
            if region and not reaches_join:
                bad(sd.line, f"{where}.fork", f"no branch state leads to the join {fork.join!r}")
        if sd.is_join and name not in joins_forked:
            bad(sd.line, f"{where}.join", "a join with no fork: no fork names this state")

    for cd in definition.clocks.values():
        if cd.name not in used_clocks:
            bad(cd.line, f"clocks.{cd.name}", "no state runs this clock")
        if cd.on_expiry is not None and cd.on_expiry.to not in states:
            bad(cd.line, f"clocks.{cd.name}.on_expiry.to", f"unknown state {cd.on_expiry.to!r}")

    if problems:
        return problems  # the graph checks below assume the names resolve

    reachable = _reachable(definition, {definition.initial})
    for name, sd in states.items():
        if name not in reachable:
            bad(
                sd.line,
                f"states.{name}",
                f"unreachable from the initial state {definition.initial!r}",
            )
            continue
        exits = any(
            name in t.sources and (t.target or name) != name for t in definition.transitions
        )
        if not sd.final and not exits and sd.fork is None and not _expires(definition, sd):
            bad(sd.line, f"states.{name}", "not final, yet no transition leaves it")
    return problems


def _expires(definition: Definition, sd: StateDef) -> bool:
    return any(
        definition.clocks[c].on_expiry is not None for c in sd.clocks if c in definition.clocks
    )
