"""Sending text messages: the interface, and the default sender that only logs.

A city plugs in its SMS gateway (政务短信平台) by writing a class with a
``send(phone, text)`` method and naming it in ``YIWANG_SMS_SENDER`` (see
docs/notifications.md). ``send`` raises on failure; the delivery task records
the error and retries later.
"""

from __future__ import annotations

import logging
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

from yiwang.identity.masking import mask_phone

logger = logging.getLogger(__name__)


@runtime_checkable
class SmsSender(Protocol):
    """Something that sends one text message to one phone number."""

    def send(self, phone: str, text: str) -> None:
        """Send ``text`` to ``phone``; raise an exception when it was not accepted."""


class LogSmsSender:
    """The default: writes the message to the log instead of sending it.

    The number is masked in the log line, as everywhere personal data is shown
    to someone who does not need it.
    """

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


def get_sms_sender() -> SmsSender:
    """An instance of the class named by the ``YIWANG_SMS_SENDER`` setting."""
    sender_class = import_string(settings.YIWANG_SMS_SENDER)
    sender = sender_class()
    if not isinstance(sender, SmsSender):
        raise TypeError(f"{settings.YIWANG_SMS_SENDER} has no send(phone, text) method")
    return sender
