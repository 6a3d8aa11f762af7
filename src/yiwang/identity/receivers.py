"""Cross-cutting hooks, connected in ``IdentityConfig.ready()``.

Sign-in outcomes are counted from Django's auth signals rather than from one
login form, so the admin's login and any other password form are counted too.
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import AppConfig, apps
from django.http import HttpRequest

from yiwang.identity import services
from yiwang.identity.models import User
from yiwang.identity.selectors import user_for_login

logger = logging.getLogger(__name__)


def login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = credentials.get(User.USERNAME_FIELD) or credentials.get("username")
    if not username:
        return  # not a password attempt (e.g. an OpenID Connect callback)
    user = user_for_login(str(username))
    if user is None:
        logger.info("failed sign-in for an unknown username")
        return
    ip = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    services.login_failure_record(user=user, ip=ip)


def logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    services.login_success_record(user=user)


def sync_role_groups(sender: AppConfig, using: str, **kwargs: Any) -> None:
    """Create the role groups once per ``migrate``: after the last app, when every
    app's permissions exist (auth creates them in its own post_migrate handler)."""
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if with_models and sender is with_models[-1]:
        services.roles_sync_groups(using=using)
