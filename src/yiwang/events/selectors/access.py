"""Who sees which events, and how much of the reporter (one home for each rule)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from yiwang.events.models import Assignment, Event, Status
from yiwang.events.services import _common as c
from yiwang.identity.masking import mask_name, mask_phone, mask_resident_id
from yiwang.identity.models import Role
from yiwang.identity.selectors import officer_department_ids, role_pairs

#: What the centre works on: new events, returned ones and answered ones awaiting callback.
CENTRE_QUEUES = (Status.REGISTERED, Status.RETURNED, Status.REPLIED)


def _listed(qs: QuerySet[Event]) -> QuerySet[Event]:
    return qs.select_related("category", "district", "lead_department").order_by(
        "-created_at", "-id"
    )


def _assigned_to(department_ids: Any, *, active_only: bool) -> Q:
    assignments = Assignment.objects.filter(event=OuterRef("pk"), department_id__in=department_ids)
    if active_only:
        assignments = assignments.filter(ended_at__isnull=True)
    return Q(Exists(assignments))


def events_for_handler(*, user: Any, active_only: bool = True) -> QuerySet[Event]:
    """Events where a department the user handles for (承办人) has an assignment, lead or
    supporting (active ones by default: the queue; ``active_only=False``: every event it
    ever had); newest first, with category, district and lead department joined."""
    departments = officer_department_ids(user, c.HANDLERS)  # a subquery: one query in all
    return _listed(Event.objects.filter(_assigned_to(departments, active_only=active_only)))


def events_for_supervisor(*, user: Any) -> QuerySet[Event]:
    """A supervisor of the centre (a city-level department): every event. A supervisor of a
    district-level department: the events of that district."""
    citywide, districts = c.supervisor_scope(user)
    if citywide:
        return _listed(Event.objects.all())
    if districts:
        return _listed(Event.objects.filter(district_id__in=districts))
    return Event.objects.none()


def events_for_operator(*, user: Any) -> QuerySet[Event]:
    """A hotline operator: the events they registered and the centre's queues (registered,
    returned, awaiting callback)."""
    if not c.is_operator(user):
        return Event.objects.none()
    return _listed(Event.objects.filter(Q(registered_by=user) | Q(status__in=CENTRE_QUEUES)))


def events_for_citizen(*, user: Any) -> QuerySet[Event]:
    """A citizen: the events they reported (``citizen`` is them), merged ones included."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Event.objects.none()
    return _listed(Event.objects.filter(citizen=user))


def _visibility(user: Any, *, as_reporter: bool = True) -> Q | None:
    """The condition for what ``user`` sees (``as_reporter`` False: through their officer
    roles only, not as the events' reporter), or None for nothing (two queries at most)."""
    roles = role_pairs(user)
    if not roles:
        return None
    condition = Q(citizen=user) if as_reporter else Q(pk__in=[])
    names = {role for role, _ in roles}
    if Role.HOTLINE_OPERATOR in names:
        condition |= Q(registered_by=user) | Q(status__in=CENTRE_QUEUES)
    if Role.SUPERVISOR in names:
        citywide, districts = c.supervisor_scope(user)
        if citywide:
            return Q()
        condition |= Q(district_id__in=districts)
    handled = {d for role, d in roles if role == Role.DEPARTMENT_HANDLER and d is not None}
    if handled:
        condition |= _assigned_to(handled, active_only=False)
    return condition


def events_visible_to(*, user: Any) -> QuerySet[Event]:
    """The union of what each of the user's roles sees (a citizen: their own reports)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Event.objects.none()
    condition = _visibility(user)
    if condition is None:
        return _listed(Event.objects.filter(citizen=user))
    return _listed(Event.objects.filter(condition))


def event_visible_to(*, user: Any, event: Event) -> bool:
    """Whether ``user`` may see ``event``."""
    return events_visible_to(user=user).filter(pk=event.pk).exists()


def event_history_in_full(*, user: Any, event: Event) -> bool:
    """Whether ``user`` reads the whole history of ``event`` (handling notes, extension
    requests, 督办单, the centre's entries): whoever sees it through an officer role (its
    departments, its supervisors, the centre's operators). Its reporter, and anyone who sees
    it only as a citizen, reads its public entries (``event_timeline(public_only=True)``)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    condition = _visibility(user, as_reporter=False)
    if condition is None:
        return False
    return Event.objects.filter(condition, pk=event.pk).exists()


def event_reporter_view(*, user: Any, event: Event) -> dict[str, str]:
    """The reporter's phone, name and resident ID as ``user`` may see them: in full to the
    centre (operators, supervisors) and to the reporter; masked to handlers unless the
    category needs contact; nothing of an anonymous reporter; a confidential reporter's
    identity only to the centre."""
    full = {
        "phone": event.reporter_phone,
        "name": event.reporter_name,
        "resident_id": event.reporter_resident_id,
    }
    if event.anonymous:
        return {"phone": "", "name": "", "resident_id": ""}
    if getattr(user, "pk", None) and user.pk == event.citizen_id:
        return full
    if c.is_operator(user) or c.is_supervisor(user, event):
        return full
    hidden = {"phone": "***", "name": "***", "resident_id": "***"}
    if event.confidential:
        return hidden
    if event.category.needs_contact and not event.confidential:
        return {**full, "resident_id": mask_resident_id(event.reporter_resident_id)}
    return {
        "phone": mask_phone(event.reporter_phone),
        "name": mask_name(event.reporter_name),
        "resident_id": mask_resident_id(event.reporter_resident_id),
    }


def event_get_visible(*, user: Any, number: str) -> Event | None:
    """The event numbered ``number`` if ``user`` may see it (``events_visible_to``), with its
    category, district and lead department; None otherwise, whether or not it exists (one
    query for a citizen, three at most for an officer)."""
    return events_visible_to(user=user).filter(number=number).first()


def event_get_for_citizen(*, user: Any, number: str) -> Event | None:
    """One of the citizen's own reports (``events_for_citizen``), or None."""
    return events_for_citizen(user=user).filter(number=number).first()
