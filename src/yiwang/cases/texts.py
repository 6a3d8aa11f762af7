"""Words people read about a case: timeline titles, steps in plain words, what comes next.

All translatable (English source, gettext_lazy); the Chinese terms officers
know are in the comments.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: Timeline entry kind → title.
TIMELINE_TITLES: dict[str, Promise] = {
    "submitted": _("Application received"),  # 已收件
    "accepted": _("Application accepted"),  # 已受理
    "deemed_accepted": _("Accepted (intake limit passed)"),  # 逾期视为受理
    "rejected": _("Application not accepted"),  # 不予受理
    "supplement_requested": _("Supplements requested"),  # 补正告知
    "supplement_answered": _("Supplements received"),  # 补正提交
    "special_procedure_started": _("Special procedure started"),  # 特别程序
    "special_procedure_finished": _("Special procedure finished"),
    "site_inspected": _("Site inspection recorded"),  # 现场核查
    "reviewed": _("Review opinion recorded"),  # 审查意见
    "returned_for_review": _("Sent back for further review"),  # 退回审查
    "extended": _("Time limit extended"),  # 延期
    "deadline_recounted": _("Time limit counted again on the holiday schedule"),  # 时限重算
    "approved": _("Approved"),  # 准予许可
    "denied": _("Denied"),  # 不予许可
    "certificate_issued": _("Certificate issued"),  # 发证
    "completed": _("Completed"),  # 办结
    "withdrawn": _("Application withdrawn"),  # 撤回
    "assigned": _("Assigned"),
    "reassigned": _("Reassigned"),
    "rated": _("Service rated"),  # 评价
    "rectification_replied": _("Department replied to your rating"),  # 整改答复
    "rectification_followed_up": _("Follow-up rating received"),  # 回访
}

#: Workflow step → the case's status in plain words for the applicant.
STEP_LABELS: dict[str, Promise] = {
    "submitted": _("Waiting to be accepted"),
    "intake_supplement": _("Waiting for your supplements"),
    "rejected": _("Not accepted"),
    "under_review": _("Under review"),
    "review_supplement": _("Waiting for your supplements"),
    "special_procedure": _("In a special procedure"),
    "reviewed": _("Reviewed, awaiting the decision"),
    "approved": _("Approved, certificate being prepared"),
    "denied": _("Denied"),
    "certificate_issued": _("Certificate ready"),
    "completed": _("Completed"),
    "withdrawn": _("Withdrawn"),
    "accepted": _("Accepted, being handled"),
    "supplement": _("Waiting for your supplements"),
    "joint_review": _("Under joint review by the departments"),  # 并联审查中
    "opinions_in": _("The departments' opinions are in"),  # 会审完毕
}

#: Workflow step → what comes next for the applicant.
NEXT_STEPS: dict[str, Promise] = {
    "submitted": _("The department decides whether to accept your application"),
    "intake_supplement": _("Upload the requested supplements"),
    "review_supplement": _("Upload the requested supplements"),
    "supplement": _("Upload the requested supplements"),
    "under_review": _("The department decides on your application"),
    "accepted": _("The department handles your application"),
    "special_procedure": _("The special procedure ends, then the review continues"),
    "reviewed": _("The department decides on your application"),
    "approved": _("The certificate is issued"),
    "certificate_issued": _("The case is completed"),
}

#: The tracker's stepper: the command that reaches a step of the workflow's main path → the
#: step's name (a step reached otherwise, such as a fork's join, is named by STEP_LABELS).
STEPPER_TITLES: dict[str, Promise] = {
    "": _("Application received"),  # 收件 (the initial state)
    "accept": _("Acceptance"),  # 受理
    "review": _("Review"),  # 审查
    "approve": _("Decision"),  # 决定
    "issue_certificate": _("Certificate delivered"),  # 送达
    "complete": _("Completed"),  # 办结
}

#: The step before the review where the catalog says the department inspects the site
#: (现场核查, ``ServiceVersion.has_site_inspection``), dated by its timeline entry.
SITE_INSPECTION_TITLE = _("Site inspection")  # 现场核查
SITE_INSPECTION_KIND = "site_inspected"

#: The command that reaches a step → the timeline entry that dates it.
STEPPER_KINDS: dict[str, str] = {
    "accept": "accepted",
    "review": "reviewed",
    "approve": "approved",
    "issue_certificate": "certificate_issued",
    "complete": "completed",
}

#: Steps where the applicant has to act.
APPLICANT_STEPS = frozenset({"intake_supplement", "review_supplement", "supplement"})

#: Special procedures (特别程序).
PROCEDURES: dict[str, Promise] = {
    "hearing": _("Hearing"),  # 听证
    "inspection": _("Inspection"),  # 检验 / 现场核查
    "testing": _("Testing"),  # 检测
    "expert_review": _("Expert review"),  # 专家评审
}


#: Statutory clock → its name (the workflow definitions' clock titles are for developers).
CLOCK_TITLES: dict[str, Promise] = {
    "acceptance": _("Acceptance limit"),  # 受理时限
    "decision": _("Promised limit"),  # 承诺时限
    "service": _("Promised limit"),  # 承诺时限
    "delivery": _("Certificate delivery limit"),  # 颁发、送达证件时限 (行政许可法 第四十四条)
}


def clock_title(name: str) -> str:
    """A statutory clock's name in the active language (the clock's own name when unknown)."""
    return str(CLOCK_TITLES.get(name, name))


def timeline_title(kind: str) -> str:
    return str(TIMELINE_TITLES.get(kind, kind))


def step_label(step: str) -> str:
    return str(STEP_LABELS.get(step, step))


#: Officer commands → the button's label.
COMMAND_TITLES: dict[str, Promise] = {
    "accept": _("Accept"),  # 受理
    "reject": _("Reject at intake"),  # 不予受理
    "request_supplement": _("Request supplements"),  # 一次性告知补正
    "start_special_procedure": _("Start a special procedure"),  # 启动特别程序
    "finish_special_procedure": _("End the special procedure"),
    "extend": _("Extend the time limit"),  # 延期
    "record_inspection": _("Record the site inspection"),  # 现场核查
    "review": _("Record the review opinion"),  # 审查意见
    "return_for_review": _("Send back for further review"),  # 退回审查
    "approve": _("Approve"),  # 准予许可
    "deny": _("Deny"),  # 不予许可
    "issue_certificate": _("Issue the certificate"),  # 发证
    "complete": _("Complete"),  # 办结
    "withdraw": _("Withdraw"),  # 撤回
}

#: The review opinion's proposed outcomes (审查意见的拟办结论).
REVIEW_OUTCOMES: dict[str, Promise] = {
    "approve": _("Approve (准予许可)"),
    "deny": _("Deny (不予许可)"),
}


def command_title(name: str) -> str:
    return str(COMMAND_TITLES.get(name, name))
