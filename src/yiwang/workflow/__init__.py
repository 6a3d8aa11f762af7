"""The workflow engine: declarative definitions, the statutory clock, pure transitions.

No Django here: definitions (YAML) and a case's state and a command go in;
the new state and the events to record come out. See docs/workflow.md.
"""

from yiwang.workflow.definition import ClockDef, Definition, StateDef, Transition
from yiwang.workflow.engine import (
    apply,
    available,
    deadline_light,
    due_at,
    replay,
    start,
    tick,
)
from yiwang.workflow.errors import (
    AlreadyDecided,
    CommandRefused,
    DefinitionError,
    FinalState,
    LimitReached,
    MissingField,
    Problem,
    UnknownCommand,
    WrongRole,
    WrongState,
)
from yiwang.workflow.evolve import evolve
from yiwang.workflow.model import BranchState, ClockState, Command, Event, Light, Outcome, State
from yiwang.workflow.reschedule import recount, reschedule
from yiwang.workflow.schema import STANDARD, load_definition, load_standard

__all__ = [
    "STANDARD",
    "AlreadyDecided",
    "BranchState",
    "ClockDef",
    "ClockState",
    "Command",
    "CommandRefused",
    "Definition",
    "DefinitionError",
    "Event",
    "FinalState",
    "Light",
    "LimitReached",
    "MissingField",
    "Outcome",
    "Problem",
    "State",
    "StateDef",
    "Transition",
    "UnknownCommand",
    "WrongRole",
    "WrongState",
    "apply",
    "available",
    "deadline_light",
    "due_at",
    "evolve",
    "load_definition",
    "load_standard",
    "recount",
    "replay",
    "reschedule",
    "start",
    "tick",
]
