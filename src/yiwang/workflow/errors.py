"""Errors of the workflow core: a definition that does not hold, a command that is refused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from yiwang.workflow.model import Outcome


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a definition: where (line, dotted field) and what."""

    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}"


class DefinitionError(ValueError):
    """A workflow definition that cannot be loaded; ``problems`` lists every fault found."""

    def __init__(self, problems: list[Problem], *, source: str | None = None) -> None:
        self.problems = problems
        self.source = source
        head = f"invalid workflow definition{f' {source}' if source else ''}"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in problems))


class CommandRefused(Exception):
    """A command the workflow does not allow now; ``code`` is stable, ``message`` is for people.

    When the engine noticed something time-based before refusing (e.g. deemed
    acceptance), ``ticked`` holds that outcome: the caller should still record
    it, since it happened whatever the refused command was.
    """

    code = "refused"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.ticked: Outcome | None = None


class WrongState(CommandRefused):
    """The command does not apply in the case's current state (or branch)."""

    code = "wrong_state"


class UnknownCommand(WrongState):
    """The workflow has no command of that name at all."""

    code = "unknown_command"


class WrongRole(CommandRefused):
    """The role issuing the command may not issue it."""

    code = "wrong_role"


class MissingField(CommandRefused):
    """A required field (a reason, the list of missing materials, …) is absent or invalid."""

    code = "missing_field"

    def __init__(self, message: str, *, field: str, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.field = field


class AlreadyDecided(CommandRefused):
    """The step this command decides was already decided (accepted, deemed accepted, approved…)."""

    code = "already_decided"


class FinalState(AlreadyDecided):
    """The case is in a final state: it accepts no command."""

    code = "final_state"


class LimitReached(CommandRefused):
    """A limited action was used up or is too late (e.g. a second extension)."""

    code = "limit_reached"
