"""The definition format: check a parsed YAML document's shape and build a :class:`Definition`.

The schema is written out here as code rather than JSON Schema so that every
error names the line and the field and says what was expected, in words a
catalog administrator can act on. See docs/workflow.md for the format.
"""

from __future__ import annotations

import functools
import math
import pathlib
from collections.abc import Mapping
from typing import Any, cast, get_args

from yiwang.workflow.definition import (
    ClockDef,
    Definition,
    Expiry,
    FieldKind,
    FieldSpec,
    Fork,
    StateDef,
    Transition,
    WarningWindow,
    check,
)
from yiwang.workflow.errors import DefinitionError, Problem
from yiwang.workflow.model import ClockMode
from yiwang.workflow.source import Located, Path, dotted, parse

STANDARD = ("licensing", "public_service", "parallel_review", "city_event")
DEFINITIONS_DIR = pathlib.Path(__file__).parent / "definitions"

_MODES: tuple[str, ...] = get_args(ClockMode)
_KINDS: tuple[str, ...] = get_args(FieldKind)
_DEFAULT_WARNING = {
    "working_days": WarningWindow("working_days", 2),
    "hours": WarningWindow("fraction", 0.25),
}


class _Checker:
    """Walks the document, collecting problems; each getter returns a safe default on a fault."""

    def __init__(self, doc: Located) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def bad(self, path: Path, message: str) -> None:
        self.problems.append(Problem(self.doc.line(path), dotted(path), message))

    def mapping(
        self, value: Any, path: Path, *, allowed: set[str], required: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.bad(path, f"must be a mapping, not {_kind(value)}")
            return {}
        for key in value.keys() - allowed:
            self.bad((*path, key), f"unknown field (expected one of: {', '.join(sorted(allowed))})")
        for key in required:
            if key not in value:
                self.bad((*path, key), "is required")
        return value

    def text(self, m: dict[str, Any], key: str, path: Path, default: str = "") -> str:
        value = m.get(key, default)
        if not isinstance(value, str) or (key in m and not value.strip()):
            self.bad((*path, key), f"must be non-empty text, not {_kind(value)}")
            return default
        return value

    def name(self, value: Any, path: Path) -> str:
        if not isinstance(value, str) or not value.strip():
            self.bad(path, f"must be a name (text), not {_kind(value)}")
            return ""
        return value

    def names(self, m: dict[str, Any], key: str, path: Path) -> tuple[str, ...]:
        """A name or a list of names."""
        value = m.get(key, [])
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            self.bad((*path, key), f"must be a name or a list of names, not {_kind(value)}")
            return ()
        return tuple(self.name(v, (*path, key, i)) for i, v in enumerate(items))

    def number(self, value: Any, path: Path, *, integer: bool = False, low: float = 0) -> float:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if ok and integer and not isinstance(value, int):
            ok = False
        if not ok or value <= low:
            what = "a whole number" if integer else "a number"
            bound = "of 0 or more" if integer and low == -1 else f"greater than {low:g}"
            self.bad(path, f"must be {what} {bound}, not {value!r}")
            return 1
        return float(value)

    def boolean(self, m: dict[str, Any], key: str, path: Path) -> bool:
        value = m.get(key, False)
        if not isinstance(value, bool):
            self.bad((*path, key), f"must be true or false, not {value!r}")
            return False
        return value


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", type(None): "nothing"}.get(
        type(value), f"{type(value).__name__} {value!r}"
    )


def _amount(
    ck: _Checker,
    m: dict[str, Any],
    path: Path,
    units: tuple[str, ...],
    *,
    zero_days: bool = False,
) -> tuple[str, float]:
    """Exactly one of ``units`` (e.g. working_days or hours) with a positive amount; with
    ``zero_days``, ``working_days: 0`` too (即办: due the same working day)."""
    given = [u for u in units if u in m]
    if len(given) != 1:
        ck.bad(path, f"give exactly one of: {', '.join(units)}")
        return units[0], 1
    unit = given[0]
    low = -1 if zero_days and unit == "working_days" else 0
    return unit, ck.number(m[unit], (*path, unit), integer=unit == "working_days", low=low)


def _clock(ck: _Checker, name: str, raw: Any, default_warning: WarningWindow | None) -> ClockDef:
    path: Path = ("clocks", name)
    allowed = {"title", "working_days", "hours", "warning", "extension", "on_expiry"}
    m = ck.mapping(raw, path, allowed=allowed)
    unit, limit = _amount(ck, m, path, ("working_days", "hours"), zero_days=True)
    warning = default_warning or _DEFAULT_WARNING[unit]
    if "warning" in m:
        warning = _warning(ck, m["warning"], (*path, "warning"))
    extension, max_ext = None, 0
    if "extension" in m:
        ep = (*path, "extension")
        em = ck.mapping(m["extension"], ep, allowed={unit, "max"}, required=(unit,))
        extension = ck.number(em.get(unit, 1), (*ep, unit), integer=unit == "working_days")
        max_ext = int(ck.number(em.get("max", 1), (*ep, "max"), integer=True))
    expiry = None
    if "on_expiry" in m:
        xp = (*path, "on_expiry")
        xm = ck.mapping(m["on_expiry"], xp, allowed={"event", "to", "backdate"}, required=("to",))
        expiry = Expiry(
            event=ck.text(xm, "event", xp, "expired"),
            to=ck.text(xm, "to", xp),
            backdate=ck.boolean(xm, "backdate", xp),
        )
    return ClockDef(
        name=name,
        title=ck.text(m, "title", path, name),
        unit="hours" if unit == "hours" else "working_days",
        limit=limit,
        warning=warning,
        extension=extension,
        max_extensions=max_ext,
        on_expiry=expiry,
        line=ck.doc.line(path),
    )


def _warning(ck: _Checker, raw: Any, path: Path) -> WarningWindow:
    m = ck.mapping(raw, path, allowed={"working_days", "hours", "fraction"})
    unit, amount = _amount(ck, m, path, ("working_days", "hours", "fraction"))
    if unit == "fraction" and amount >= 1:
        ck.bad((*path, unit), f"must be below 1, not {amount:g}")
    return WarningWindow(cast(Any, unit), amount)


def _state(ck: _Checker, name: str, raw: Any) -> StateDef:
    path: Path = ("states", name)
    allowed = {"title", "description", "final", "clocks", "fork", "join"}
    m = ck.mapping({} if raw is None else raw, path, allowed=allowed)
    clocks: dict[str, ClockMode] = {}
    cp = (*path, "clocks")
    for clock, mode in ck.mapping(
        m.get("clocks", {}), cp, allowed=set(m.get("clocks") or {})
    ).items():
        if mode not in _MODES:
            ck.bad((*cp, clock), f"must be one of {', '.join(_MODES)}, not {mode!r}")
            continue
        clocks[clock] = cast(ClockMode, mode)
    fork = None
    if "fork" in m:
        fp = (*path, "fork")
        fm = ck.mapping(
            m["fork"],
            fp,
            allowed={"branches", "start", "join"},
            required=("branches", "start", "join"),
        )
        branches = ck.names(fm, "branches", fp)
        if not branches or len(set(branches)) != len(branches):
            ck.bad((*fp, "branches"), "must list at least one branch, each once")
        fork = Fork(
            branches,
            ck.name(fm.get("start"), (*fp, "start")),
            ck.name(fm.get("join"), (*fp, "join")),
        )
    quorum = None
    is_join = "join" in m
    if is_join:
        jp = (*path, "join")
        jm = ck.mapping(m["join"] or {}, jp, allowed={"quorum"})
        q = jm.get("quorum", "all")
        if q != "all":
            quorum = int(ck.number(q, (*jp, "quorum"), integer=True))
    final = ck.boolean(m, "final", path)
    if sum((final, fork is not None, is_join)) > 1:
        ck.bad(path, "a state is at most one of: final, fork, join")
    return StateDef(
        name=name,
        title=ck.text(m, "title", path, name),
        description=ck.text(m, "description", path),
        final=final,
        clocks=clocks,
        fork=fork,
        quorum=quorum,
        is_join=is_join,
        line=ck.doc.line(path),
    )


def _requires(ck: _Checker, raw: Any, path: Path) -> tuple[FieldSpec, ...]:
    out = []
    for name, spec in ck.mapping(
        raw, path, allowed=set(raw) if isinstance(raw, dict) else set()
    ).items():
        fp = (*path, name)
        if isinstance(spec, dict) and set(spec) == {"choice"} and isinstance(spec["choice"], list):
            options = tuple(ck.name(o, (*fp, "choice", i)) for i, o in enumerate(spec["choice"]))
            out.append(FieldSpec(name, "choice", options))
        elif spec in _KINDS and spec != "choice":
            out.append(FieldSpec(name, cast(FieldKind, spec)))
        else:
            ck.bad(
                fp, f"must be one of text, list, number, bool or {{choice: [...]}}, not {spec!r}"
            )
    return tuple(out)


def _transition(ck: _Checker, i: int, raw: Any) -> Transition:
    path: Path = ("transitions", i)
    allowed = {
        "command",
        "title",
        "from",
        "to",
        "role",
        "requires",
        "extends",
        "restarts",
        "decision",
    }
    m = ck.mapping(raw, path, allowed=allowed, required=("command", "from", "role"))
    sources = ck.names(m, "from", path)
    if "from" in m and not sources:
        ck.bad((*path, "from"), "must name at least one state")
    roles = frozenset(ck.names(m, "role", path))
    if "role" in m and not roles:
        ck.bad((*path, "role"), "must name at least one role")
    return Transition(
        command=ck.name(m.get("command"), (*path, "command")),
        sources=sources,
        target=ck.name(m["to"], (*path, "to")) if "to" in m else None,
        roles=roles,
        requires=_requires(ck, m["requires"], (*path, "requires")) if "requires" in m else (),
        extends=ck.name(m["extends"], (*path, "extends")) if "extends" in m else None,
        restarts=ck.names(m, "restarts", path),
        decision=ck.boolean(m, "decision", path),
        title=ck.text(m, "title", path),
        line=ck.doc.line(path),
    )


def build(doc: Located, *, source: str | None = None) -> Definition:
    """Check ``doc``'s shape and meaning; the Definition, or DefinitionError listing every fault."""
    ck = _Checker(doc)
    top = {
        "workflow",
        "title",
        "description",
        "version",
        "initial",
        "roles",
        "warning",
        "clocks",
        "states",
        "transitions",
    }
    m = ck.mapping(
        doc.data, (), allowed=top, required=("workflow", "initial", "states", "transitions")
    )
    default_warning = _warning(ck, m["warning"], ("warning",)) if "warning" in m else None
    clocks_raw = ck.mapping(m.get("clocks", {}), ("clocks",), allowed=set(m.get("clocks") or {}))
    clocks = {n: _clock(ck, n, raw, default_warning) for n, raw in clocks_raw.items()}
    states_raw = ck.mapping(m.get("states", {}), ("states",), allowed=set(m.get("states") or {}))
    states = {n: _state(ck, n, raw) for n, raw in states_raw.items()}
    if "states" in m and not states:
        ck.bad(("states",), "must define at least one state")
    transitions_raw = m.get("transitions", [])
    if not isinstance(transitions_raw, list):
        ck.bad(("transitions",), f"must be a list, not {_kind(transitions_raw)}")
        transitions_raw = []
    transitions = tuple(_transition(ck, i, raw) for i, raw in enumerate(transitions_raw))
    roles_raw = ck.mapping(m.get("roles", {}), ("roles",), allowed=set(m.get("roles") or {}))
    version = m.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        ck.bad(("version",), f"must be a whole number of 1 or more, not {version!r}")
        version = 1
    if ck.problems:
        raise DefinitionError(ck.problems, source=source)
    definition = Definition(
        name=ck.name(m["workflow"], ("workflow",)),
        title=ck.text(m, "title", (), str(m["workflow"])),
        description=ck.text(m, "description", ()),
        version=version,
        initial=ck.name(m["initial"], ("initial",)),
        states=states,
        clocks=clocks,
        transitions=transitions,
        roles={str(k): str(v) for k, v in roles_raw.items()},
    )
    # The semantic checks know the line of a state or transition; the document knows the field's.
    problems = [
        Problem(doc.line(_path(p.field)) or p.line, p.field, p.message) for p in check(definition)
    ]
    if problems:
        raise DefinitionError(problems, source=source)
    return definition


def _path(field: str) -> Path:
    parts = field.replace("[", ".").replace("]", "").split(".")
    # An index is ASCII digits; a name may hold other digits ("²" is isdigit() but not int()).
    return tuple(int(p) if p.isascii() and p.isdigit() else p for p in parts if p)


def load_definition(
    text_or_path: str | pathlib.Path, *, overrides: Mapping[str, Any] | None = None
) -> Definition:
    """Load a definition from YAML text, or from a file when given a Path (or a ``.yaml`` path).

    ``overrides`` are merged into the document before it is checked, mapping
    by mapping, e.g. ``{"clocks": {"decision": {"working_days": 15}}}`` for a
    service whose promised limit is 15 working days.
    """
    source = None
    if isinstance(text_or_path, pathlib.Path) or (
        "\n" not in text_or_path and text_or_path.endswith((".yaml", ".yml"))
    ):
        path = pathlib.Path(text_or_path)
        source = str(path)
        text = path.read_text(encoding="utf-8")
    else:
        text = text_or_path
    doc, problems = parse(text)
    if doc is None or problems:
        raise DefinitionError(problems, source=source)
    if overrides:
        doc.override(overrides)
    return build(doc, source=source)


def load_standard(name: str, *, overrides: Mapping[str, Any] | None = None) -> Definition:
    """One of the shipped definitions (``licensing``, ``public_service``, ``parallel_review``,
    ``city_event``), loaded once per distinct set of overrides."""
    if name not in STANDARD:
        raise LookupError(f"no standard workflow {name!r}; shipped: {', '.join(STANDARD)}")
    return _load_standard(name, _freeze(overrides or {}))


@functools.lru_cache(maxsize=256)
def _load_standard(name: str, frozen: Any) -> Definition:
    return load_definition(DEFINITIONS_DIR / f"{name}.yaml", overrides=_thaw(frozen))


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return ("__list__", *(_freeze(v) for v in value))
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, tuple):
        if value and value[0] == "__list__":
            return [_thaw(v) for v in value[1:]]
        return {k: _thaw(v) for k, v in value}
    return value
