"""Sign-in forms that explain a lockout."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from yiwang.identity.selectors import user_for_login
from yiwang.identity.services import login_is_locked, login_minutes_left


class LockoutFormMixin:
    """``clean()`` for an AuthenticationForm: refuse a locked account, saying until when.

    A correct password during the lockout is refused too. Failures are counted
    by the ``user_login_failed`` receiver (yiwang.identity.receivers), so this
    form only reads the lockout state before and after authenticating.
    """

    cleaned_data: dict[str, Any]
    request: Any
    user_cache: Any

    def _locked_error(self, until: Any) -> forms.ValidationError:
        minutes = login_minutes_left(until)
        return forms.ValidationError(
            ngettext(
                "Too many failed sign-in attempts: this account is locked. "
                "Try again after %(time)s (in %(minutes)d minute).",
                "Too many failed sign-in attempts: this account is locked. "
                "Try again after %(time)s (in %(minutes)d minutes).",
                minutes,
            )
            % {
                "time": formats.date_format(timezone.localtime(until), "Y-m-d H:i"),
                "minutes": minutes,
            },
            code="locked",
        )

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            user = user_for_login(username)
            if user is not None and (until := login_is_locked(user)):
                raise self._locked_error(until)
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                if user is not None:
                    user.refresh_from_db(fields=["failed_login_count", "locked_until"])
                    if until := login_is_locked(user):
                        raise self._locked_error(until)
                raise self.get_invalid_login_error()  # type: ignore[attr-defined]
            self.confirm_login_allowed(self.user_cache)  # type: ignore[attr-defined]
        return self.cleaned_data


class LockoutAuthenticationForm(LockoutFormMixin, AuthenticationForm):
    """The portal's sign-in form."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The username or password is not right. Check them and try again; "
            "after several failed attempts the account is locked for a while."
        ),
    }


class LockoutAdminAuthenticationForm(LockoutFormMixin, AdminAuthenticationForm):
    """The admin's sign-in form (``admin.site.login_form``)."""
