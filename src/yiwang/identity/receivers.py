"""Cross-cutting hooks, connected in ``IdentityConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps
from django.http import HttpRequest

from yiwang.identity import services
from yiwang.identity.devices import device_trust
from yiwang.identity.middleware import session_start
from yiwang.identity.models import User


def logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """Any sign-in (password, OpenID Connect, after registering): start the session's
    clocks and trust the browser for this account."""
    if request is None or not hasattr(request, "session"):
        return
    session_start(request, user)
    device_trust(request, user)


def sync_role_groups(sender: AppConfig, using: str, **kwargs: Any) -> None:
    """Create the role groups once per ``migrate``: after the last app, when every
    app's permissions exist (auth creates them in its own post_migrate handler)."""
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if with_models and sender is with_models[-1]:
        services.roles_sync_groups(using=using)


def purge_round(at: Any) -> tuple[int, str]:
    """The scheduler's round: sign-in throttles whose attempts are all forgotten, and
    password-reset codes expired over a day ago, deleted (nothing to report)."""
    from yiwang.identity.services import password_reset_codes_purge, throttles_purge

    throttles_purge(at=at)
    password_reset_codes_purge(at=at)
    return 0, ""
