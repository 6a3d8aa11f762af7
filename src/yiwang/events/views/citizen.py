"""The citizen's side of 12345 on the portal: report a problem with photos and a map point,
follow it in "my reports" (a timeline), rate it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from yiwang.events import selectors, services
from yiwang.events.errors import EventError, LinkInvalid, LinkSpent
from yiwang.events.forms import CallbackForm, ReportForm
from yiwang.events.models import Channel, Status
from yiwang.events.types import Place, Reporter
from yiwang.events.views.common import event_for, refusal_to_form


@require_safe
@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    events = selectors.events_for_citizen(user=request.user)[:200]
    return render(request, "events/report_list.html", {"events": events})


def _reporter_of(user: object, *, confidential: bool) -> Reporter:
    profile = getattr(user, "citizen", None)
    return Reporter(
        phone=getattr(profile, "phone", "") or getattr(user, "phone", ""),
        name=getattr(profile, "name", "") or str(user),
        confidential=confidential,
        citizen=user,
    )


@require_http_methods(["GET", "POST"])
@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    """Report a problem: it is registered on the web channel and dispatched from the
    directory at once when the directory names the department."""
    form = ReportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                event = services.event_register(
                    actor=request.user,
                    channel=Channel.WEB,
                    category=data["category"],
                    reporter=_reporter_of(request.user, confidential=data["confidential"]),
                    place=Place(
                        latitude=data["latitude"],
                        longitude=data["longitude"],
                        address=data["address"],
                    ),
                    description=data["description"],
                    media=data["photos"],
                    auto_dispatch=True,
                )
            except EventError as error:
                status = refusal_to_form(form, error)
            else:
                messages.success(
                    request,
                    _("Thank you. Your report %(number)s is registered; follow it here.")
                    % {"number": event.number},
                )
                return redirect("city:report", number=event.number)
    return render(
        request,
        "events/report_new.html",
        {"form": form, "categories": selectors.categories_leaves()[:400]},
        status=status,
    )


def _render_report(
    request: HttpRequest, number: str, *, form: CallbackForm | None = None, status: int = 200
) -> HttpResponse:
    event = event_for(request, number)
    mine = event.citizen_id == request.user.pk
    may_rate = mine and event.status == Status.REPLIED
    return render(
        request,
        "events/report_detail.html",
        {
            "event": event,
            "timeline": selectors.event_timeline(event=event, public_only=True),
            "photos": event.photos.all(),
            "rate_form": form or (CallbackForm(auto_id="id_rate_%s") if may_rate else None),
        },
        status=status,
    )


@require_safe
@login_required
def report_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _render_report(request, number)


@require_POST
@login_required
def report_rate(request: HttpRequest, number: str) -> HttpResponse:
    """The reporter's own rating: five levels and resolved or not (a bad one reopens it)."""
    event = event_for(request, number)
    form = CallbackForm(request.POST, auto_id="id_rate_%s")
    status = 422
    if event.citizen_id != request.user.pk:
        raise PermissionDenied(_("Only the reporter rates a report."))
    if form.is_valid():
        try:
            services.event_callback(
                actor=request.user,
                event=event,
                satisfaction=form.cleaned_data["satisfaction"],
                resolved=form.cleaned_data["resolved"],
                note=form.cleaned_data["note"],
            )
        except EventError as error:
            status = refusal_to_form(form, error)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("city:report", number=number)
    return _render_report(request, number, form=form, status=status)


@require_http_methods(["GET", "POST"])
def rate_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The reporter's rating link (回访 by message): rate without signing in, once.

    A forged or unknown link is a 404, a used or expired one a 410, each with
    a page that says so; nothing about the event is shown then.
    """
    try:
        link = selectors.rating_link_for_token(token=token, at=timezone.now())
    except (LinkInvalid, LinkSpent) as refused:
        return render(
            request, "events/rate_link.html", {"refusal": str(refused)}, status=refused.http_status
        )
    form = CallbackForm(request.POST or None, auto_id="id_rate_%s")
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.event_rate_by_link(token=token, **form.cleaned_data)
            except (LinkInvalid, LinkSpent) as refused:
                context = {"refusal": str(refused)}
                return render(request, "events/rate_link.html", context, status=refused.http_status)
            except EventError as error:
                status = refusal_to_form(form, error)
            else:
                return render(request, "events/rate_link.html", {"thanks": True})
    context = {"event": link.event, "form": form}
    return render(request, "events/rate_link.html", context, status=status)
