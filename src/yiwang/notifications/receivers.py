"""Domain-event subscribers of the notifications app, subscribed in its ``AppConfig.ready()``."""

from __future__ import annotations

from yiwang.core.events import DomainEvent, subscribe


def applicant_to_be_told(event: DomainEvent) -> None:
    """``case.notify``: the applicant of the case gets a notification of ``kind``."""
    from yiwang.notifications.services import notify

    case = event.data["case"]
    notify(user=case.applicant, case=case, kind=event.data["kind"], context=event.data["context"])


def supervisors_to_be_told(event: DomainEvent) -> None:
    """``case.rectification_opened``: every supervisor of the rated department gets a
    notification (``rectification_opened``) linking to the task, with its due date."""
    from django.urls import reverse
    from django.utils import timezone

    from yiwang.identity.models import Role
    from yiwang.identity.selectors import department_officers
    from yiwang.notifications.services import notify

    case, task = event.data["case"], event.data["task"]
    url = reverse("workbench:rectifications") + f"#task-{task.pk}"
    context = {
        "url": url,
        "due_at": timezone.localtime(task.due_at).isoformat(),
        "level": task.rating.level,
    }
    for user in department_officers(case.department, frozenset({Role.SUPERVISOR})):
        notify(user=user, case=case, kind="rectification_opened", context=context)


def connect() -> None:
    subscribe("case.notify", applicant_to_be_told, key="notifications.applicant")
    subscribe("case.rectification_opened", supervisors_to_be_told, key="notifications.supervisors")
