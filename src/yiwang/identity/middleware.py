"""Session lifetimes and trusted browsers, enforced on every request.

A session records when its user signed in, when it was last used and what
kind of session it is (officer or citizen, decided at sign-in:
``selectors.session_kind``). ``SessionPolicyMiddleware`` ends it after the
kind's idle time without a request, and after the absolute cap in any case
(``selectors.session_limits``); the next page then asks to sign in again and
says why. It also sets the device cookie when a sign-in or a password reset
asked for it (``yiwang.identity.devices``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.translation import ngettext

from yiwang.identity.devices import device_cookie_update
from yiwang.identity.selectors import roles_cached, session_kind, session_limits

logger = logging.getLogger(__name__)

_STARTED = "yiwang_session_started"
_SEEN = "yiwang_session_seen"
_KIND = "yiwang_session_kind"
#: The last-use time is written at most this often (seconds): a session is not
#: saved on every request, so the idle time is enforced to the minute.
TOUCH_EVERY = 60


def session_start(request: HttpRequest, user: object) -> None:
    """Record in a new session when it started and which limits apply (at sign-in)."""
    now = timezone.now().timestamp()
    request.session[_STARTED] = now
    request.session[_SEEN] = now
    request.session[_KIND] = session_kind(user)  # type: ignore[arg-type]


class SessionPolicyMiddleware:
    """Sign out idle and over-age sessions; set the device cookie. After the auth and
    messages middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        self._enforce(request)
        response = self.get_response(request)
        device_cookie_update(request, response)
        return response

    def _enforce(self, request: HttpRequest) -> None:
        session = getattr(request, "session", None)
        if session is None or SESSION_KEY not in session:
            return
        now = timezone.now().timestamp()
        started, seen, kind = session.get(_STARTED), session.get(_SEEN), session.get(_KIND)
        if started is None or seen is None or kind is None:
            # Signed in before these limits existed: they count from now.
            if request.user.is_authenticated:
                session_start(request, request.user)
            return
        limits = session_limits(kind)
        if now - seen > limits.idle.total_seconds():
            minutes = round(limits.idle.total_seconds() / 60)
            message = ngettext(
                "You were signed out because the site was not used for %(minutes)d minute. "
                "Sign in again to continue.",
                "You were signed out because the site was not used for %(minutes)d minutes. "
                "Sign in again to continue.",
                minutes,
            ) % {"minutes": minutes}
        elif now - started > limits.absolute.total_seconds():
            hours = round(limits.absolute.total_seconds() / 3600)
            message = ngettext(
                "You were signed out because a session lasts at most %(hours)d hour. "
                "Sign in again to continue.",
                "You were signed out because a session lasts at most %(hours)d hours. "
                "Sign in again to continue.",
                hours,
            ) % {"hours": hours}
        else:
            if now - seen >= TOUCH_EVERY:
                session[_SEEN] = now
            return
        logger.info("session of user %s ended: %s", session.get(SESSION_KEY), limits.kind)
        logout(request)
        messages.info(request, message)


class RequestRolesMiddleware:
    """Each user's department roles are read once per request (``selectors.roles_cached``):
    a case page asks who the officer is in the case's department four times."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with roles_cached():
            return self.get_response(request)
