"""Filters of the site's logging (``LOGGING`` in settings).

A refused request is the site working as it should: Django's ``django.request``
logger records a ``PermissionDenied`` with its traceback, which buries the log
under one stack per 403 (``make run`` printed one for every refused page). The
filter keeps the one warning line ("Forbidden (Permission denied): /path") and
drops the traceback; every other record, crashes included, is untouched.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class PermissionDeniedWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc_info = record.exc_info
        if exc_info and exc_info[0] is not None and issubclass(exc_info[0], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
