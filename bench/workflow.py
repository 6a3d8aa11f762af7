"""Workflow engine speed: yiwang's engine against SpiffWorkflow on the licensing path.

Drives N cases (default 2,000) through the administrative licensing path

    submit → accept → request supplements → answer them → approve → issue certificate → complete

in-process, once with yiwang's engine (``yiwang.workflow``: start, then apply
each command, with the statutory clocks computed on the shipped working-day
calendar) and once with SpiffWorkflow, the established Python BPMN engine,
on the equivalent BPMN 2.0 process ``bench/licensing.bpmn`` (user tasks and
exclusive gateways; each ready user task is completed in turn with its
decision in the task data). Both are measured the same way: the wall time
(``time.perf_counter``) of the whole loop, after a warm-up, best of
BENCH_ROUNDS rounds; a transition is starting a case or completing one step,
7 per case on both sides. Neither side persists anything.

Then times ``due_at`` (what the scheduler index is built from) over one
million states of varied shapes: every state reached by random walks through
all shipped workflows (clocks running, paused, warned, overdue; open
parallel branches; final states without clocks).

Prints figures only, no pass/fail.

    make bench
    BENCH_CASES=500 BENCH_ROUNDS=1 .venv/bin/python bench/workflow.py
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.bpmn.parser import BpmnParser, BpmnValidator  # noqa: E402
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402

from yiwang.core.holidays import shipped_calendar  # noqa: E402
from yiwang.workflow import (  # noqa: E402
    STANDARD,
    Command,
    CommandRefused,
    State,
    apply,
    available,
    due_at,
    load_standard,
    start,
)

N = int(os.environ.get("BENCH_CASES", "2000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
PERSISTED_CASES = int(os.environ.get("BENCH_PERSISTED_CASES", str(max(1, N // 4))))
DUE_CALLS = int(os.environ.get("BENCH_DUE_CALLS", "1000000"))
WARMUP = max(50, N // 10)
TRANSITIONS_PER_CASE = 7  # the start plus six steps, on both sides

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_DAY = datetime(2025, 1, 2, 9, 0, tzinfo=SHANGHAI)

# The six steps after submission: (yiwang command, BPMN user task, task data).
PATH = [
    (Command("accept", "intake_clerk"), "intake", {"decision": "accept"}),
    (
        Command("request_supplement", "reviewer", {"missing_materials": ["floor plan", "lease"]}),
        "review",
        {"decision": "request_supplement", "missing_materials": ["floor plan", "lease"]},
    ),
    (Command("answer_supplement", "applicant"), "answer_review_supplement", {}),
    (Command("approve", "approver"), "review", {"decision": "approve"}),
    (
        Command("issue_certificate", "approver", {"certificate_number": "JN-2026-000001"}),
        "issue_certificate",
        {"certificate_number": "JN-2026-000001"},
    ),
    (Command("complete", "approver"), "complete", {}),
]
COMMANDS = [command for command, _task, _data in PATH]
USER_TASKS = [(task, data) for _command, task, data in PATH]


def submission_times(n: int) -> list[list[datetime]]:
    """For each case, the instants of its start and six steps: spread over 2025–2026,
    across holidays and weekends, a few hours to a few days apart."""
    rng = random.Random(20260101)
    cases = []
    for _ in range(n):
        at = FIRST_DAY + timedelta(days=rng.randrange(0, 700), minutes=rng.randrange(0, 600))
        moments = [at]
        for _step in PATH:
            at += timedelta(hours=rng.choice((1, 3, 20, 50)))
            moments.append(at)
        cases.append(moments)
    return cases


def drive_yiwang(definition, calendar, times: list[list[datetime]]) -> list[str]:
    finals = []
    for moments in times:
        state = start(definition, at=moments[0], calendar=calendar).state
        for command, at in zip(COMMANDS, moments[1:], strict=True):
            state = apply(definition, state, command, at=at, calendar=calendar).state
        finals.append(state.status)
    return finals


def drive_yiwang_json(definition, calendar, times: list[list[datetime]]) -> list[str]:
    """The same, with the state written to and read back from JSON at every step,
    as the persistence layer does."""
    finals = []
    for moments in times:
        raw = start(definition, at=moments[0], calendar=calendar).state.to_json()
        for command, at in zip(COMMANDS, moments[1:], strict=True):
            state = State.from_json(raw)
            raw = apply(definition, state, command, at=at, calendar=calendar).state.to_json()
        finals.append(raw["status"])
    return finals


def load_spiff_spec():
    parser = BpmnParser(validator=BpmnValidator())
    parser.add_bpmn_file(str(HERE / "licensing.bpmn"))
    return parser.get_spec("licensing")


def drive_spiff(spec, n: int) -> list[str]:
    finals = []
    for _ in range(n):
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        for name, data in USER_TASKS:
            task = workflow.get_next_task(state=TaskState.READY, manual=True)
            if task is None or task.task_spec.name != name:  # off the path: counted below
                break
            task.data.update(data)
            task.run()
            workflow.do_engine_steps()
        finals.append("completed" if workflow.is_completed() else "stuck")
    return finals


def drive_spiff_json(spec, serializer: BpmnWorkflowSerializer, n: int) -> list[str]:
    """The same, with the workflow serialised to JSON and read back at every step
    (SpiffWorkflow's own serializer, as an application persisting it does)."""
    finals = []
    for _ in range(n):
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        raw = serializer.serialize_json(workflow)
        for name, data in USER_TASKS:
            workflow = serializer.deserialize_json(raw)
            task = workflow.get_next_task(state=TaskState.READY, manual=True)
            if task is None or task.task_spec.name != name:
                break
            task.data.update(data)
            task.run()
            workflow.do_engine_steps()
            raw = serializer.serialize_json(workflow)
        finals.append("completed" if workflow.is_completed() else "stuck")
    return finals


def best_of(rounds: int, run) -> tuple[float, list[str]]:
    best, finals = float("inf"), []
    for _ in range(rounds):
        began = time.perf_counter()
        finals = run()
        best = min(best, time.perf_counter() - began)
    return best, finals


def varied_states(calendar) -> list[State]:
    """Every state met on random walks through each shipped workflow, steps hours to weeks apart.

    Cases start by March 2026 so that no walk runs past the shipped calendar (2025–2026).
    """
    rng = random.Random(7)
    states: list[State] = []
    for name in STANDARD:
        definition = load_standard(name)
        for _ in range(max(200, N // 2)):
            at = FIRST_DAY + timedelta(days=rng.randrange(0, 450), hours=rng.randrange(0, 24))
            state = start(definition, at=at, calendar=calendar).state
            states.append(state)
            for _step in range(rng.randrange(1, 10)):
                options = available(definition, state)
                if not options:
                    break
                transition, branch = rng.choice(options)
                fields = {spec.name: _field_value(spec) for spec in transition.requires}
                role = sorted(transition.roles)[0]
                at += timedelta(hours=rng.choice((0.5, 2, 10, 30, 100, 400)))
                try:
                    state = apply(
                        definition,
                        state,
                        Command(transition.command, role, fields, branch),
                        at=at,
                        calendar=calendar,
                    ).state
                except CommandRefused as refused:
                    if refused.ticked is not None:
                        state = refused.ticked.state  # type: ignore[attr-defined]
                states.append(state)
    return states


def _field_value(spec):
    return {
        "text": "a reason",
        "list": ["a material"],
        "number": 1,
        "bool": True,
        "choice": spec.options[0] if spec.options else "",
    }[spec.kind]


def main() -> None:
    calendar = shipped_calendar()
    definition = load_standard("licensing")
    spec = load_spiff_spec()
    serializer = BpmnWorkflowSerializer()
    times = submission_times(N)
    persisted_times = times[:PERSISTED_CASES]

    print(f"Workflow engines on the licensing path, {TRANSITIONS_PER_CASE} transitions a case:")
    print(f"  start + {', '.join(c.name for c in COMMANDS)}")
    print(f"  wall time of the whole loop, best of {ROUNDS}, after a warm-up of {WARMUP} cases")

    drive_yiwang(definition, calendar, submission_times(WARMUP))
    drive_spiff(spec, WARMUP)
    drive_yiwang_json(definition, calendar, submission_times(WARMUP // 5))
    drive_spiff_json(spec, serializer, WARMUP // 5)

    in_memory = [
        ("yiwang", *best_of(ROUNDS, lambda: drive_yiwang(definition, calendar, times))),
        ("SpiffWorkflow (BPMN)", *best_of(ROUNDS, lambda: drive_spiff(spec, N))),
    ]
    persisted = [
        (
            "yiwang, State JSON",
            *best_of(1, lambda: drive_yiwang_json(definition, calendar, persisted_times)),
        ),
        (
            "SpiffWorkflow, serializer JSON",
            *best_of(1, lambda: drive_spiff_json(spec, serializer, PERSISTED_CASES)),
        ),
    ]
    _table(f"In memory, {N} cases:", in_memory, N, " (target: at least 20x)")
    _table(
        f"State written to JSON and read back at every step, {PERSISTED_CASES} cases, one round:",
        persisted,
        PERSISTED_CASES,
    )

    pool = varied_states(calendar)
    rng = random.Random(11)
    states = [rng.choice(pool) for _ in range(DUE_CALLS)]
    shapes = {(s.workflow, s.status, len(s.branches), len(s.clocks)) for s in pool}
    pending = sum(1 for s in pool if due_at(s) is not None)
    for state in states[:10_000]:  # warm-up
        due_at(state)
    began = time.perf_counter()
    for state in states:
        due_at(state)
    elapsed = time.perf_counter() - began
    began = time.perf_counter()
    for _state in states:
        pass
    empty = time.perf_counter() - began
    print()
    print(
        f"due_at: {DUE_CALLS:,} calls over {len(pool):,} distinct states "
        f"({len(shapes)} shapes, {pending / len(pool):.0%} with something due)"
    )
    print(
        f"  {elapsed / DUE_CALLS * 1e9:.0f} ns per call "
        f"({(elapsed - empty) / DUE_CALLS * 1e9:.0f} ns without the loop itself), "
        f"{elapsed:.2f} s in all"
    )


def _table(
    title: str, rows: list[tuple[str, float, list[str]]], cases: int, target: str = ""
) -> None:
    transitions = cases * TRANSITIONS_PER_CASE
    print()
    print(title)
    print(f"  {'engine':32} {'transitions/s':>14} {'us/transition':>14} {'completed':>11}")
    for label, seconds, finals in rows:
        done = sum(1 for f in finals if f == "completed")
        print(
            f"  {label:32} {transitions / seconds:14,.0f} {seconds / transitions * 1e6:14.2f}"
            f" {done:>5}/{len(finals):<5}"
        )
    (_, ours, _), (_, theirs, _) = rows
    print(f"  yiwang / SpiffWorkflow: {theirs / ours:.1f}x{target}")


if __name__ == "__main__":
    main()
