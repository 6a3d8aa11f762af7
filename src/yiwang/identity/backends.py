"""Authentication backends."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from yiwang.identity.devices import signin_client
from yiwang.identity.services import signin_attempt


class ThrottledModelBackend(ModelBackend):
    """Django's username/password backend, throttled and without an oracle.

    In ``AUTHENTICATION_BACKENDS`` instead of ``ModelBackend``, so every
    password sign-in (the portal's and the admin's) goes through
    ``services.signin_attempt``: counted per account and client, per network
    and per account, answered after one hasher run whatever the outcome, and
    audited when refused. Permissions and ``get_user`` are ModelBackend's, so
    open sessions are untouched by throttling.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get(self._username_field())
        if username is None or password is None:
            return None  # not a password attempt (e.g. an OpenID Connect callback)
        return signin_attempt(
            username=str(username), password=password, client=signin_client(request)
        )

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return str(get_user_model().USERNAME_FIELD)
