"""System checks of the identity app (``manage.py check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


@register("yiwang_identity", deploy=True)
def check_client_address_header(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn in production when no header names the client's address (behind a proxy every
    request would then come from the proxy, and throttling would count the city as one)."""
    if settings.YIWANG_ENV != "production" or settings.YIWANG_CLIENT_IP_HEADER:
        return []
    return [
        Warning(
            "YIWANG_CLIENT_IP_HEADER is not set: clients are told apart by REMOTE_ADDR.",
            hint=(
                "Behind a reverse proxy every request comes from the proxy's address, and "
                "sign-in throttling then treats all clients as one network. Have the proxy "
                "set X-Real-IP (deploy/nginx/yiwang.conf does) and set "
                "YIWANG_CLIENT_IP_HEADER=X-Real-IP. Leave it empty only when clients reach "
                "gunicorn directly."
            ),
            id="yiwang.W002",
        )
    ]
