"""The in-app inbox (站内消息): list, mark read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from yiwang.notifications import selectors, services, texts

PAGE_SIZE = 20


@require_safe
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    notifications = selectors.notification_list_for_user(user=request.user, unread_only=unread_only)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    for notification in page:
        notification.shown_title, notification.shown_body = texts.shown(
            notification.kind, notification.context, (notification.title, notification.body)
        )
    return render(
        request,
        "notifications/inbox.html",
        # The unread count comes from {% unread_notifications %}, counted once per
        # request for both this page and the header's badge.
        {"page": page, "unread_only": unread_only},
    )


@require_POST
@login_required
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.notification_mark_read(user=request.user, notification_id=pk)
    except services.NotificationNotFound as exc:
        raise Http404 from exc
    return redirect("notifications:inbox")


@require_POST
@login_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:inbox")
