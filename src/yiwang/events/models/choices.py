"""The events app's choices and defaults: channels, urgency, statuses, outcomes,
satisfaction, cards, and the limits of 山东省政务服务热线管理办法.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

#: 山东省政务服务热线管理办法: handle and reply within 5 working days, one extension of at
#: most 10, return a matter outside the unit's remit within 2 working days with a reason.
DEFAULT_HANDLE_DAYS = 5
DEFAULT_EXTENSION_MAX_DAYS = 10
DEFAULT_RETURN_WINDOW_DAYS = 2
#: The centre's default sign-for limit (签收时限), in working hours.
DEFAULT_SIGN_HOURS = Decimal("2")


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("12345 hotline")
    WEB = "web", _("Web portal")
    OPEN311 = "open311", _("Open311 API")
    IOT = "iot", _("IoT alarm")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    CRITICAL = "critical", _("Critical")


class Status(models.TextChoices):
    """The event's workflow state (``city_event.yaml``), copied for filtering."""

    REGISTERED = "registered", _("Registered")
    DISPATCHED = "dispatched", _("Dispatched, awaiting signature")
    HANDLING = "handling", _("Being handled")
    RETURNED = "returned", _("Returned to the centre")
    ARBITRATION = "arbitration", _("Awaiting arbitration")
    REPLIED = "replied", _("Answered, awaiting callback")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged into another event")


OPEN_STATUSES = (
    Status.REGISTERED,
    Status.DISPATCHED,
    Status.HANDLING,
    Status.RETURNED,
    Status.ARBITRATION,
    Status.REPLIED,
)


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    EXPLAINED = "explained", _("Explained, not resolvable")
    FORWARDED = "forwarded", _("Not our remit, forwarded")


class Satisfaction(models.TextChoices):
    """The five levels of 好差评 (DESIGN.md)."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")
    VERY_DISSATISFIED = "very_dissatisfied", _("Very dissatisfied")


BAD_SATISFACTION = (Satisfaction.DISSATISFIED, Satisfaction.VERY_DISSATISFIED)


class Card(models.TextChoices):
    """A deadline light: yellow 1 working day before, red from the first overdue day."""

    NONE = "", _("On time")
    YELLOW = "yellow", _("Yellow card")
    RED = "red", _("Red card")
