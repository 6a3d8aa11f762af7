"""The steps of a workflow as an applicant follows them (the tracker's stepper).

The main path runs from the initial state to the completion: the longest way
along the officers' transitions to a final state. The applicant's own
commands (supplements, withdrawal) and the loops they open (a supplement
request, a special procedure) are detours that come back to the path, not
steps of it; the other final states (not accepted, denied, withdrawn) end a
case off the path. Plain Python over a :class:`Definition`.
"""

from __future__ import annotations

from dataclasses import dataclass

from yiwang.workflow.definition import Definition

APPLICANT = "applicant"


@dataclass(frozen=True)
class Milestone:
    """A state of the main path and the command that reaches it (None for the initial)."""

    state: str
    command: str | None


def _edges(definition: Definition) -> dict[str, list[tuple[str, str | None]]]:
    """The officers' moves: state → [(next state, command)]; a fork moves on to its join
    (the departments' branches are inside it, not steps of the applicant's path)."""
    edges: dict[str, list[tuple[str, str | None]]] = {name: [] for name in definition.states}
    for t in definition.transitions:
        if t.target is None or (t.roles and t.roles <= {APPLICANT}):
            continue
        for source in t.sources:
            if source in edges and t.target != source:
                edges[source].append((t.target, t.command))
    for name, state in definition.states.items():
        if state.fork is not None:
            edges[name].append((state.fork.join, None))
    return edges


def main_path(definition: Definition) -> list[Milestone]:
    """The milestones from the initial state to the completion, in order.

    The longest simple path of the officers' moves from the initial state to a final
    state (ties: the final state declared first): a shortcut (closing a duplicate, a
    refusal) ends a case early, the completion is the end of the whole way. A
    definition without a reachable final state gives the initial state alone.
    """
    edges = _edges(definition)
    order = {name: i for i, name in enumerate(definition.states)}
    best: list[Milestone] = [Milestone(definition.initial, None)]
    best_key = (-1, 0)

    def walk(path: list[Milestone], seen: set[str]) -> None:
        nonlocal best, best_key
        here = path[-1].state
        if definition.states[here].final:
            key = (len(path), -order[here])
            if key > best_key:
                best, best_key = list(path), key
            return
        for target, command in edges[here]:
            if target not in seen:
                seen.add(target)
                path.append(Milestone(target, command))
                walk(path, seen)
                path.pop()
                seen.discard(target)

    walk([Milestone(definition.initial, None)], {definition.initial})
    return best


def path_state(definition: Definition, path: list[Milestone], state: str) -> str | None:
    """The milestone ``state`` stands at: itself on the path, else the path state its
    detour comes back to (a supplement request returns to the step it left; when two are
    as near, such as answering or the intake limit passing, the earlier); None for a
    final state off the path (not accepted, denied, withdrawn)."""
    index = {m.state: i for i, m in enumerate(path)}
    seen = {state}
    level = [state]
    while level:
        found = [s for s in level if s in index]
        if found:
            return min(found, key=index.__getitem__)
        following = []
        for here in level:
            for target in sorted(definition.successors(here)):
                if target in seen or (definition.states[target].final and target not in index):
                    continue
                seen.add(target)
                following.append(target)
        level = following
    return None
