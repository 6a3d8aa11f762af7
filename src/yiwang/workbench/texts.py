"""Words officers read in the workbench: steps in plain words, lights, action buttons.

The applicant's wording lives in ``yiwang.cases.texts``; officers see the
step from the department's side (待受理, 审查中 …).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: Workflow step → what the department has to do, in plain words.
OFFICER_STEP_LABELS: dict[str, Promise] = {
    "submitted": _("Awaiting intake"),  # 待受理
    "intake_supplement": _("Supplements requested at intake"),  # 受理补正
    "under_review": _("Under review"),  # 审查中
    "review_supplement": _("Supplements requested in review"),  # 审查补正
    "special_procedure": _("Special procedure"),  # 特别程序
    "reviewed": _("Reviewed, to decide"),  # 审查完毕，待决定
    "approved": _("Approved, certificate to issue"),  # 准予许可，待发证
    "certificate_issued": _("Certificate issued, to complete"),  # 已发证，待办结
    "accepted": _("Accepted, being handled"),  # 已受理，办理中
    "supplement": _("Supplements requested"),  # 补正中
    "rejected": _("Not accepted"),  # 不予受理
    "denied": _("Denied"),  # 不予许可
    "completed": _("Completed"),  # 办结
    "withdrawn": _("Withdrawn"),  # 撤回
}

#: Steps in which a case is still open (the queue's step filter offers these).
OPEN_STEPS = frozenset(
    {
        "submitted",
        "intake_supplement",
        "under_review",
        "review_supplement",
        "special_procedure",
        "reviewed",
        "approved",
        "certificate_issued",
        "accepted",
        "supplement",
    }
)

#: Steps waiting for the applicant (the clock is stopped).
APPLICANT_STEPS = frozenset({"intake_supplement", "review_supplement", "supplement"})

LIGHT_LABELS: dict[str, Promise] = {
    "red": _("Overdue"),  # 红灯：超期
    "yellow": _("Due soon"),  # 黄灯：临期
    "green": _("On track"),  # 绿灯：正常
    "": _("Closed"),
}


def officer_step_label(step: str) -> str:
    return str(OFFICER_STEP_LABELS.get(step, step))


def light_label(light: str) -> str:
    return str(LIGHT_LABELS.get(light, light))
