"""Authentication backends."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from yiwang.identity.services import login_is_locked


class LockoutModelBackend(ModelBackend):
    """Django's username/password backend that refuses a locked account.

    Put it in ``AUTHENTICATION_BACKENDS`` instead of ``ModelBackend`` so every
    password sign-in (the portal and the admin) respects the lockout. The
    password is still checked, so a locked account answers as slowly as any
    other. Sessions opened before the lockout stay valid: the lockout defends
    against password guessing, not against the account's owner.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and login_is_locked(user) is not None:
            return None
        return user
