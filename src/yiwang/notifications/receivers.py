"""Domain-event subscribers of the notifications app, subscribed in its ``AppConfig.ready()``."""

from __future__ import annotations

from yiwang.core.events import DomainEvent, subscribe


def applicant_to_be_told(event: DomainEvent) -> None:
    """``case.notify``: the applicant of the case gets a notification of ``kind``."""
    from yiwang.notifications.services import notify

    case = event.data["case"]
    notify(user=case.applicant, case=case, kind=event.data["kind"], context=event.data["context"])


def connect() -> None:
    subscribe("case.notify", applicant_to_be_told, key="notifications.applicant")
