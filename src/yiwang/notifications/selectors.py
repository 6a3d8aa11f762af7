"""Reads of the notifications app: a person sees only their own notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from yiwang.identity.models import User
from yiwang.notifications.models import Notification


def notification_list_for_user(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """``user``'s notifications, newest first, with their cases (one query per page)."""
    notifications = Notification.objects.filter(user_id=user.pk).select_related("case")
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def notification_unread_count(*, user: User) -> int:
    """How many of ``user``'s notifications are unread (0 for anonymous visitors). One query."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()
