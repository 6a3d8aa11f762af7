"""``{% unread_notifications %}``: the number behind the inbox badge in the header."""

from __future__ import annotations

from typing import Any

from django import template

from yiwang.notifications.selectors import notification_unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    """Unread notifications of the signed-in user; 0 for visitors. One query per page."""
    request: Any = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None:
        return 0
    cache = getattr(request, "_unread_notifications", None)
    if cache is None:
        cache = notification_unread_count(user=user)
        if request is not None:
            request._unread_notifications = cache
    return int(cache)


@register.inclusion_tag("notifications/includes/badge.html", takes_context=True)
def notifications_badge(context: template.Context) -> dict[str, Any]:
    """The link to the inbox with the unread count, for the site header."""
    return {"unread": unread_notifications(context), "user": context.get("user")}
