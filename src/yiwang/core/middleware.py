"""Response headers every page gets: the Content-Security-Policy.

Every script, style sheet, font and image comes from this site (the Swagger UI
of the API docs included: django-ninja serves its own copy from the static
files). No inline script or style runs unless it carries the request's nonce
(``{{ request.csp_nonce }}``, drawn only when a template asks for it), and
no other site may frame a page, receive a form or be fetched from a script.
Framing follows X-Frame-Options: no page may be framed, except those a view
serves with ``@xframe_options_sameorigin`` (the workbench's PDF previews),
which this site itself may frame.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.functional import SimpleLazyObject

HEADER = "Content-Security-Policy"


def content_security_policy(nonce: str | None = None, *, framing: str = "'none'") -> str:
    """The policy, with ``'nonce-…'`` for scripts and styles when a page used one, and
    ``framing`` as the pages that may frame this one (``'none'`` or ``'self'``)."""
    extra = f" 'nonce-{nonce}'" if nonce else ""
    directives = [
        "default-src 'self'",
        f"script-src 'self'{extra}",
        f"style-src 'self'{extra}",
        "img-src 'self' data:",  # data: for the favicon and the admin's inline SVG icons
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {framing}",
    ]
    return "; ".join(directives)


class ContentSecurityPolicyMiddleware:
    """Add the Content-Security-Policy to every response that has none of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        drawn: list[str] = []

        def nonce() -> str:
            if not drawn:
                drawn.append(secrets.token_urlsafe(16))
            return drawn[0]

        request.csp_nonce = SimpleLazyObject(nonce)  # type: ignore[attr-defined]
        response = self.get_response(request)
        if HEADER not in response:
            # One rule for framing: what X-Frame-Options says (DENY everywhere, SAMEORIGIN
            # where a view opted in with @xframe_options_sameorigin, e.g. PDF previews).
            same_origin = response.get("X-Frame-Options", "").upper() == "SAMEORIGIN"
            response[HEADER] = content_security_policy(
                drawn[0] if drawn else None, framing="'self'" if same_origin else "'none'"
            )
        return response
