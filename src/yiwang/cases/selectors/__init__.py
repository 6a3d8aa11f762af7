"""Every read of the cases app that decides who may see what.

Officers (``officers``)
    case_list_for_officer, case_queue_counts, case_get_for_officer,
    case_allowed_commands, rectification_tasks_for_supervisor, officer_department_id_list
The queue in keyset pages (``queue_pages``)
    case_queue_page, case_queue_count, case_queue_neighbours
Applicants (``applicants``)
    case_list_for_applicant, case_get_for_applicant, application_list_drafts,
    application_get_for_applicant
Either (after one of the getters above allowed the case)
    case_timeline (who did what, per audience), case_applicant_label, case_clock,
    case_status_label, case_next_step, case_steps (the stepper),
    case_review_opinion (officers only: the opinion is internal),
    case_applicant_may_withdraw (``progress``);
    case_light, light_expression (``lights``); case_materials,
    case_personal_data_full, material_case, material_get_for_user, case_notices,
    notice_get_for_user (``materials``)
Public counts (``statistics``)
    case_counts_by_service (热门服务)

The functions live in those submodules; import them from here.

Permission lives in the queries: an officer's queue is limited to the
departments where they hold an officer role; an applicant sees only cases
they applied for themselves (as a citizen, or as the agent who filed
for an enterprise). Getters raise :class:`CaseNotFound` (404) for a case the user may not
see as an applicant, and ``PermissionDenied`` (403) for an officer of another
department. Lights are computed in SQL from the denormalised ``due_at`` /
``warn_at`` / ``paused_light`` columns; ``now`` defaults to the current time.
"""

from yiwang.cases.selectors.applicants import (
    application_get_for_applicant,
    application_list_drafts,
    case_get_for_applicant,
    case_list_for_applicant,
)
from yiwang.cases.selectors.lights import case_light, light_expression
from yiwang.cases.selectors.materials import (
    case_materials,
    case_notices,
    case_personal_data_full,
    material_case,
    material_get_for_user,
    notice_get_for_user,
)
from yiwang.cases.selectors.officers import (
    QUEUE_COUNT_CAP,
    AllowedCommand,
    CaseFilters,
    QueueCounts,
    case_allowed_commands,
    case_get_for_officer,
    case_list_for_officer,
    case_queue_counts,
    officer_department_id_list,
    rectification_tasks_for_supervisor,
)
from yiwang.cases.selectors.progress import (
    CaseClock,
    NextStep,
    ReviewOpinion,
    Step,
    TimelineItem,
    applicant_person_name,
    case_applicant_label,
    case_applicant_may_withdraw,
    case_clock,
    case_next_step,
    case_review_opinion,
    case_status_label,
    case_steps,
    case_timeline,
)
from yiwang.cases.selectors.queue_pages import (
    QueueNeighbours,
    QueuePage,
    case_queue_count,
    case_queue_neighbours,
    case_queue_page,
)
from yiwang.cases.selectors.statistics import case_counts_by_service

__all__ = [
    "QUEUE_COUNT_CAP",
    "AllowedCommand",
    "CaseClock",
    "CaseFilters",
    "NextStep",
    "QueueCounts",
    "QueueNeighbours",
    "QueuePage",
    "ReviewOpinion",
    "Step",
    "TimelineItem",
    "applicant_person_name",
    "application_get_for_applicant",
    "application_list_drafts",
    "case_allowed_commands",
    "case_applicant_label",
    "case_applicant_may_withdraw",
    "case_clock",
    "case_counts_by_service",
    "case_get_for_applicant",
    "case_get_for_officer",
    "case_light",
    "case_list_for_applicant",
    "case_list_for_officer",
    "case_materials",
    "case_next_step",
    "case_notices",
    "case_personal_data_full",
    "case_queue_count",
    "case_queue_counts",
    "case_queue_neighbours",
    "case_queue_page",
    "case_review_opinion",
    "case_status_label",
    "case_steps",
    "case_timeline",
    "light_expression",
    "material_case",
    "material_get_for_user",
    "notice_get_for_user",
    "officer_department_id_list",
    "rectification_tasks_for_supervisor",
]
