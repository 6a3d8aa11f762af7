"""The scripted paths a generated case takes through its workflow, step by step with
realistic delays.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from yiwang.cases.models import CaseDecision


@dataclass
class Step:
    """One scripted command: who gives it, after how long, what it writes."""

    command: str
    role: str
    delay: tuple[float, float]  # hours after the previous step, uniform
    kind: str  # timeline kind
    fields: dict[str, Any] = field(default_factory=dict)
    outcome: str = ""  # CaseDecision outcome, when it decides
    due: bool = False  # the timeline entry carries the new due date


_REASON = "申请材料不符合法定形式"
_OPINIONS = {
    "approve": "材料齐全，符合法定条件，建议准予许可",
    "deny": "不符合法定条件，建议不予许可",
}
_ITEMS = [{"material_id": None, "name": "补充说明材料", "reason": "内容不完整，请补充"}]
_MISSING = [f"{i['name']}: {i['reason']}" for i in _ITEMS]


def _supplement(role: str, answer_after: tuple[float, float]) -> list[Step]:
    return [
        Step(
            "request_supplement",
            role,
            (4, 72),
            "supplement_requested",
            {"missing_materials": _MISSING},
        ),
        Step("answer_supplement", "applicant", answer_after, "supplement_answered", due=True),
    ]


def _path(workflow: str, rnd: random.Random) -> tuple[list[Step], bool]:
    """A scripted path through ``workflow`` and whether it ends in a supplement never answered
    (chosen later for some old cases)."""
    x = rnd.random()
    intake_supp = rnd.random() < 0.05
    review_supp = rnd.random() < 0.15
    steps: list[Step] = []
    if workflow == "licensing":
        if x < 0.06:
            return [Step("reject", "intake_clerk", (1, 60), "rejected", {"reason": _REASON},
                         outcome=CaseDecision.Outcome.REJECTED_AT_INTAKE)], False  # fmt: skip
        if x < 0.10:
            return [Step("withdraw", "applicant", (2, 48), "withdrawn")], False
        if intake_supp:
            steps += _supplement("intake_clerk", (8, 96))
        steps.append(Step("accept", "intake_clerk", (1, 60), "accepted", due=True))
        if review_supp:
            steps += _supplement("reviewer", (24, 120))
        # 审查 before 决定 (licensing v2, 行政许可法 第三十四条): the reviewer's opinion.
        outcome = "deny" if x < 0.15 else "approve"
        steps.append(Step("review", "reviewer", (24, 300), "reviewed",
                          {"outcome": outcome, "opinion": _OPINIONS[outcome]}))  # fmt: skip
        if x < 0.15:
            steps.append(Step("deny", "approver", (8, 100), "denied", {"reason": _REASON},
                              outcome=CaseDecision.Outcome.DENIED))  # fmt: skip
            return steps, False
        steps += [
            Step("approve", "approver", (8, 300), "approved",
                 outcome=CaseDecision.Outcome.APPROVED),
            Step("issue_certificate", "approver", (2, 48), "certificate_issued"),
            Step("complete", "approver", (1, 24), "completed"),
        ]  # fmt: skip
        return steps, False
    # public_service
    if x < 0.07:
        return [Step("reject", "intake_clerk", (1, 40), "rejected", {"reason": _REASON},
                     outcome=CaseDecision.Outcome.REJECTED_AT_INTAKE)], False  # fmt: skip
    if x < 0.11:
        return [Step("withdraw", "applicant", (2, 30), "withdrawn")], False
    if intake_supp:
        steps += _supplement("intake_clerk", (8, 72))
    steps += [
        Step("accept", "intake_clerk", (1, 40), "accepted", due=True),
        Step("complete", "handler", (4, 200), "completed"),
    ]
    return steps, False


_ACCEPT = Step("accept", "intake_clerk", (1, 40), "accepted", due=True)


def _waiting_for_supplements(workflow: str) -> list[Step]:
    """Accepted and asked for supplements in review (licensing) or asked at intake (public
    service); the applicant never answers."""
    if workflow == "licensing":
        return [_ACCEPT, *_supplement("reviewer", (1, 1))[:1]]
    return _supplement("intake_clerk", (1, 1))[:1]
