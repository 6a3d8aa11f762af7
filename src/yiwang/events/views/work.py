"""The pages events are worked on: the handler's queue (承办人), the event page with every
action its user may take, the supervisor's board (督办), the event's photos.

One event page serves the centre, the departments and the supervisors: it
offers the actions the user's roles and the event's state allow, each a small
form posting to ``city:action``; the service decides (and refuses with a form
error, or 403 when the actor may not act at all).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from yiwang.events import selectors, services
from yiwang.events.downloads import photo_response
from yiwang.events.errors import EventError
from yiwang.events.forms import (
    ArbitrateForm,
    CallbackForm,
    DispatchForm,
    ExtendDecideForm,
    ExtendForm,
    HandleForm,
    QueueFilterForm,
    ReasonForm,
    ReassignForm,
    ReplyForm,
    SupervisionAnswerForm,
    SupervisionForm,
)
from yiwang.events.models import (
    Event,
    EventPhoto,
    ExtensionRequest,
    Status,
    SupervisionOrder,
)
from yiwang.events.selectors.pages import (
    QueueFilters,
    handler_queue,
    handler_supervision_orders,
    light_of,
    queue_counts,
    supervisor_board,
)
from yiwang.events.services import _common as roles
from yiwang.events.types import Place
from yiwang.events.views.common import city_roles, event_for, refusal_to_form, role_required
from yiwang.identity.models import Role
from yiwang.identity.selectors import officer_department_ids

PAGE_SIZE = 50
HANDLER = frozenset({Role.DEPARTMENT_HANDLER})
SUPERVISOR = frozenset({Role.SUPERVISOR})


class MergeForm(forms.Form):
    into = forms.CharField(label=gettext_lazy("Merge into event"), max_length=30)


class CloseForm(forms.Form):
    resolution = forms.CharField(
        label=gettext_lazy("Resolution"), max_length=1000, widget=forms.Textarea({"rows": 2})
    )


class EmptyForm(forms.Form):
    pass


# ------------------------------------------------------------------------------- the queue


@require_safe
@role_required(HANDLER)
def queue(request: HttpRequest) -> HttpResponse:
    """The handler's queue: their departments' events, lights first, with filters."""
    form = QueueFilterForm(request.GET)
    filters = QueueFilters(
        status=form.value("status"),
        card=form.value("card"),
        category=form.value("category"),
        q=form.value("q"),
    )
    events = handler_queue(user=request.user, filters=filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "events/queue.html",
        {
            "form": form,
            "page": page,
            "rows": [(e, light_of(e.sign_card, e.handle_card)) for e in page.object_list],
            "counts": queue_counts(user=request.user),
            "orders": handler_supervision_orders(user=request.user)[:50],
            "query": query.urlencode(),
            "filtered": any(form.value(n) for n in ("status", "card", "category", "q")),
        },
    )


# --------------------------------------------------------------------------- the event page


def _may(request: HttpRequest, event: Event) -> dict[str, bool]:
    """What the user may be offered on this event, by role and state, as the services allow
    (they decide: this only keeps the page from offering what they would refuse)."""
    held = city_roles(request)
    operator = Role.HOTLINE_OPERATOR in held
    supervisor = Role.SUPERVISOR in held and roles.is_supervisor(request.user, event)
    centre = operator or supervisor
    handled = set(officer_department_ids(request.user, roles.HANDLERS))
    active = {a.department_id: a.role for a in event.assignments.all() if a.ended_at is None}
    lead = event.lead_department_id in handled and event.lead_department_id in active
    assigned = bool(handled & set(active))
    status = event.status
    return {
        "dispatch": centre and status == Status.REGISTERED,
        "merge": operator and status == Status.REGISTERED,
        "reassign": centre and status in (Status.RETURNED, Status.DISPATCHED, Status.HANDLING),
        "split": centre and status == Status.MERGED,
        "sign": assigned and status in (Status.DISPATCHED, Status.HANDLING),
        "return": lead and status in (Status.DISPATCHED, Status.HANDLING),
        "dispute": lead and status in (Status.DISPATCHED, Status.HANDLING),
        "handle": assigned and status == Status.HANDLING,
        "reply": lead and status == Status.HANDLING,
        "extend": lead and status == Status.HANDLING and not event.extension_days,
        "arbitrate": supervisor and status == Status.ARBITRATION,
        "supervise": supervisor and event.is_open and event.lead_department_id is not None,
        "extend_decide": supervisor,
        "callback": operator and status == Status.REPLIED,
        "close": operator and status == Status.REPLIED,
        "answer_order": bool(handled),
    }


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "dispatch": DispatchForm,
    "merge": MergeForm,
    "reassign": ReassignForm,
    "split": ReasonForm,
    "sign": EmptyForm,
    "return": ReasonForm,
    "dispute": ReasonForm,
    "handle": HandleForm,
    "reply": ReplyForm,
    "extend": ExtendForm,
    "arbitrate": ArbitrateForm,
    "supervise": SupervisionForm,
    "extend_decide": ExtendDecideForm,
    "callback": CallbackForm,
    "close": CloseForm,
    "answer_order": SupervisionAnswerForm,
}


def _form(name: str, data: Any = None, files: Any = None) -> forms.Form:
    return ACTION_FORMS[name](data, files, auto_id=f"id_{name}_%s")


def _render_event(
    request: HttpRequest,
    event: Event,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
    public_only: bool | None = None,
) -> HttpResponse:
    """The officer's event page; ``public_only`` when the caller already knows whether the
    user reads the whole history (else it is asked: ``event_history_in_full``)."""
    bound = bound or {}
    may = _may(request, event)
    actions = {
        name: bound.get(name) or _form(name)
        for name, allowed in may.items()
        if allowed and name not in ("extend_decide", "answer_order")
    }
    pending_extensions = (
        list(event.extensions.filter(approved__isnull=True)) if may["extend_decide"] else []
    )
    handled = set(officer_department_ids(request.user, roles.HANDLERS))
    orders = list(event.supervisions.select_related("department"))
    duplicates = []
    if may["merge"]:
        duplicates = selectors.duplicates_for(
            category=event.category,
            place=Place(latitude=event.latitude, longitude=event.longitude),
            exclude=event,
        )[:5]
    if public_only is None:
        public_only = not selectors.event_history_in_full(user=request.user, event=event)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "light": light_of(event.sign_card, event.handle_card),
            "reporter": services.event_reporter_seen(user=request.user, event=event),
            "timeline": selectors.event_timeline(
                event=event, public_only=public_only
            ).select_related("actor"),
            "assignments": event.assignments.select_related("department").order_by(
                "dispatched_at", "id"
            ),
            "photos": event.photos.all(),
            "actions": actions,
            "duplicates": duplicates,
            "extensions": [
                (ext, bound.get(f"extend_decide-{ext.pk}") or _form("extend_decide"))
                for ext in pending_extensions
            ],
            "orders": [
                (
                    order,
                    (bound.get(f"answer_order-{order.pk}") or _form("answer_order"))
                    if order.answered_at is None and order.department_id in handled
                    else None,
                )
                for order in orders
            ],
        },
        status=status,
    )


@require_safe
@login_required
def event_detail(request: HttpRequest, number: str) -> HttpResponse:
    event = event_for(request, number)
    if not selectors.event_history_in_full(user=request.user, event=event):
        # its reporter (whatever other roles they hold) and whoever sees it only as a citizen
        # read the public page: no handling notes, extension requests or 督办单
        return redirect("city:report", number=number)
    return _render_event(request, event, public_only=False)


def _run(name: str, request: HttpRequest, event: Event, data: dict[str, Any]) -> Any:
    """Call the action's one service."""
    actor = request.user
    if name == "dispatch":
        return services.event_dispatch(
            actor=actor,
            event=event,
            lead=data["lead"],
            supporting=list(data["supporting"]),
            reason=data["reason"],
        )
    if name == "reassign":
        return services.event_reassign(
            actor=actor,
            event=event,
            lead=data["lead"],
            supporting=list(data["supporting"]),
            reason=data["reason"],
        )
    if name == "merge":
        into = selectors.event_get_visible(user=actor, number=data["into"].strip())
        if into is None:
            raise _NoSuchTarget
        return services.event_merge(actor=actor, event=event, into=into)
    simple: dict[str, Callable[[], Any]] = {
        "split": lambda: services.event_split(actor=actor, event=event, reason=data["reason"]),
        "sign": lambda: services.event_sign(actor=actor, event=event),
        "return": lambda: services.event_return(actor=actor, event=event, reason=data["reason"]),
        "dispute": lambda: services.event_dispute(actor=actor, event=event, reason=data["reason"]),
        "handle": lambda: services.event_handle(
            actor=actor, event=event, note=data["note"], photos=data["photos"]
        ),
        "reply": lambda: services.event_reply(
            actor=actor,
            event=event,
            outcome=data["outcome"],
            result=data["result"],
            reply=data["reply"],
            photos=data["photos"],
        ),
        "extend": lambda: services.event_extend_request(
            actor=actor, event=event, days=data["days"], reason=data["reason"]
        ),
        "arbitrate": lambda: services.event_arbitrate(
            actor=actor,
            event=event,
            lead=data["lead"],
            fault=data["fault"],
            decision=data["decision"],
        ),
        "supervise": lambda: services.supervision_issue(
            actor=actor, event=event, note=data["note"]
        ),
        "callback": lambda: services.event_callback(
            actor=actor,
            event=event,
            satisfaction=data["satisfaction"],
            resolved=data["resolved"],
            note=data["note"],
        ),
        "close": lambda: services.event_close(
            actor=actor, event=event, resolution=data["resolution"]
        ),
    }
    return simple[name]()


class _NoSuchTarget(Exception):
    pass


DONE = {
    "dispatch": gettext_lazy("Dispatched."),
    "merge": gettext_lazy("Merged."),
    "reassign": gettext_lazy("Reassigned."),
    "split": gettext_lazy("Taken out of the merge."),
    "sign": gettext_lazy("Signed for."),
    "return": gettext_lazy("Returned to the centre."),
    "dispute": gettext_lazy("Dispute sent to the supervisors."),
    "handle": gettext_lazy("Progress recorded."),
    "reply": gettext_lazy("Reply sent to the citizen."),
    "extend": gettext_lazy("Extension requested."),
    "arbitrate": gettext_lazy("Decision recorded."),
    "supervise": gettext_lazy("Supervision order issued."),
    "callback": gettext_lazy("Callback recorded."),
    "close": gettext_lazy("Closed."),
}


@require_POST
@login_required
def event_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """One action on the event: its form, its one service; errors re-render the page."""
    event = event_for(request, number)
    if action not in DONE:
        raise Http404(_("No such action."))
    if not _may(request, event).get(action):
        raise PermissionDenied(_("You may not do this to this event now."))
    form = _form(action, request.POST, request.FILES)
    status = 422
    if form.is_valid():
        try:
            _run(action, request, event, form.cleaned_data)
        except _NoSuchTarget:
            form.add_error("into", _("No open event has this number."))
        except EventError as error:
            status = refusal_to_form(form, error)
        else:
            messages.success(request, str(DONE[action]))
            # an action may take the event out of the user's sight (an operator's dispatch
            # takes it out of the centre's queue): then back to their own page, not a 404
            if not selectors.event_visible_to(user=request.user, event=event):
                return redirect("city:landing")
            return redirect("city:event", number=event.number)
    event.refresh_from_db()
    return _render_event(request, event, bound={action: form}, status=status)


@require_POST
@role_required(SUPERVISOR)
def extension_decide(request: HttpRequest, number: str, request_id: int) -> HttpResponse:
    event = event_for(request, number)
    ext = ExtensionRequest.objects.filter(pk=request_id, event=event).first()
    if ext is None:
        raise Http404(_("No such extension request."))
    form = _form("extend_decide", request.POST)
    status = 422
    if form.is_valid():
        try:
            services.event_extend_decide(
                actor=request.user,
                request=ext,
                approved=form.cleaned_data["approved"],
                note=form.cleaned_data["note"],
            )
        except EventError as error:
            status = refusal_to_form(form, error)
        else:
            messages.success(request, _("Extension decided."))
            if request.POST.get("next") == "board":
                return redirect("city:board")
            return redirect("city:event", number=number)
    return _render_event(request, event, bound={f"extend_decide-{ext.pk}": form}, status=status)


@require_POST
@role_required(HANDLER)
def order_answer(request: HttpRequest, number: str, order_id: int) -> HttpResponse:
    event = event_for(request, number)
    order = SupervisionOrder.objects.filter(pk=order_id, event=event).first()
    if order is None:
        raise Http404(_("No such supervision order."))
    form = _form("answer_order", request.POST)
    status = 422
    if form.is_valid():
        try:
            services.supervision_answer(
                actor=request.user, order=order, answer=form.cleaned_data["answer"]
            )
        except EventError as error:
            status = refusal_to_form(form, error)
        else:
            messages.success(request, _("Answer sent."))
            return redirect("city:event", number=number)
    return _render_event(request, event, bound={f"answer_order-{order.pk}": form}, status=status)


@require_safe
@login_required
def photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    """A photo of an event the user may see (404 otherwise)."""
    row = EventPhoto.objects.select_related("event").filter(pk=photo_id).first()
    if row is None or not row.file:
        raise Http404(_("No such photo."))
    event_for(request, row.event.number)
    return photo_response(row)


# -------------------------------------------------------------------------- the board


@require_safe
@role_required(SUPERVISOR)
def board(request: HttpRequest) -> HttpResponse:
    """督办: cards across departments, arbitrations, extensions, open orders, records."""
    board = supervisor_board(user=request.user)
    return render(
        request,
        "events/board.html",
        {
            "board": board,
            "carded": [(e, light_of(e.sign_card, e.handle_card)) for e in board.carded],
            "extensions": [(ext, _form("extend_decide")) for ext in board.extensions],
        },
    )
