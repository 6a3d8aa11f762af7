"""Messages are asserted in English, whatever translations exist; text messages are caught."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.identity.helpers import RecordingSmsSender


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def sms(settings):
    """The text messages sent while the test runs, in order."""
    settings.YIWANG_SMS_SENDER = "tests.identity.helpers.RecordingSmsSender"
    RecordingSmsSender.sent = []
    yield RecordingSmsSender.sent
    RecordingSmsSender.sent = []
