"""Authentication of the REST API: the browser session, or a bearer API token with scopes.

Here, beside the tokens, so that every app's router can use it without importing the
``api`` app (which only assembles the routers and maps their errors).

- ``Authorization: Bearer yw_…``: an API token (``yiwang.integrations``); the
  request acts as the token's owner, limited to the token's scopes. An
  unknown, expired or revoked token answers 401, even with a session cookie.
  A token without the scope the endpoint needs answers 403.
- Otherwise the Django session (the portal and the workbench), with Django's
  CSRF check on unsafe methods; a session user has every scope (what they may
  do is decided by their roles, as on the web).

Each router says which scope its reads and its writes need::

    router = Router(auth=api_auth(read=Scope.CASES_READ, write=Scope.APPLICATIONS_WRITE))

Handlers get the acting user with :func:`user_of`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from yiwang.identity.models import User
from yiwang.integrations.models import ApiToken
from yiwang.integrations.services import api_token_allows, api_token_authenticate

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ScopeMissing(Exception):
    """The API token does not carry the scope the endpoint needs (HTTP 403)."""

    def __init__(self, scope: str) -> None:
        super().__init__(f"This API token lacks the scope {scope}.")
        self.scope = scope


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with the scope the method needs."""

    def __init__(self, *, read: str, write: str) -> None:
        self.read = read
        self.write = write
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> User:
        found = api_token_authenticate(secret=token)
        if found is None:
            # An explicit but bad credential never falls back to the session.
            raise AuthenticationError()
        scope = self.read if request.method in SAFE_METHODS else self.write
        if not api_token_allows(found, scope):
            raise ScopeMissing(scope)
        request.user = found.owner
        request.api_token = found  # type: ignore[attr-defined]
        return found.owner


class SessionAuth(APIKeyCookie):
    """The Django session; CSRF is checked only for a signed-in user on unsafe methods
    (so an anonymous request answers 401, not a CSRF error)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if request.method not in SAFE_METHODS and not exempt and check_csrf(request):
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
        return user

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return self(request)


def api_auth(*, read: str, write: str) -> list[Any]:
    """Bearer token (with ``read``/``write`` scope by method) or session, in that order."""
    return [TokenAuth(read=read, write=write), SessionAuth()]


def user_of(request: HttpRequest) -> User:
    """The user the request acts as (the session's, or the API token's owner)."""
    user = getattr(request, "auth", None) or request.user
    assert isinstance(user, User)
    return user


def token_of(request: HttpRequest) -> ApiToken | None:
    """The API token the request came with, or None for a session."""
    return getattr(request, "api_token", None)
