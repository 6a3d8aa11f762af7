"""Sign-in pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views

from yiwang.identity.forms import LockoutAuthenticationForm
from yiwang.identity.services import login_max_failures


class LoginView(auth_views.LoginView):
    """Password sign-in with lockout (see ``yiwang.identity.services.login_failure_record``)."""

    form_class = LockoutAuthenticationForm
    template_name = "identity/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(max_failures=login_max_failures(), **kwargs)
