"""Forms of the account pages: sign-in (portal and admin), sign-up, password reset.

They parse and check what a person typed; the rules about accounts (which
resident IDs are taken, which passwords are acceptable, throttling) are in
``yiwang.identity.services``, whose field errors the views put back here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from yiwang.identity.validators import normalize_mobile, validate_mobile

#: The one answer to a refused sign-in, whatever the reason (unknown username,
#: wrong password, inactive account, too many attempts): nothing to learn from it.
SIGNIN_REFUSED = _(
    "The username or password is not right, or there were too many attempts in a short "
    "time. Check them and try again a little later; if you forgot your password, reset it."
)


class SignInForm(AuthenticationForm):
    """The portal's sign-in form (``identity:login``)."""

    error_messages = {**AuthenticationForm.error_messages, "invalid_login": SIGNIN_REFUSED}


class AdminSignInForm(AdminAuthenticationForm):
    """The admin's sign-in form (``admin.site.login_form``): the same answer to every refusal,
    including a right password of an account that may not use the admin."""

    error_messages = {**AdminAuthenticationForm.error_messages, "invalid_login": SIGNIN_REFUSED}


def _password_pair_clean(form: forms.Form, first: str, second: str) -> None:
    one, two = form.cleaned_data.get(first), form.cleaned_data.get(second)
    if one and two and one != two:
        form.add_error(second, _("The two passwords are not the same. Type the same one twice."))


class RegistrationForm(forms.Form):
    """A citizen's sign-up (注册). The service validates the values; this form only
    collects them and checks that the password was typed twice alike."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("You sign in with it. Letters, digits and @ . + - _ only."),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={"required": _("Choose a username.")},
    )
    name = forms.CharField(
        label=_("Full name"),
        max_length=50,
        help_text=_("As it is on your resident ID card."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your name as it is on your resident ID card.")},
    )
    resident_id = forms.CharField(
        label=_("Resident ID number"),
        max_length=18,
        help_text=_("18 characters; the last one may be X."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "class": "input--id"}
        ),
        error_messages={"required": _("Enter your resident ID number.")},
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        help_text=_("Codes to reset your password are sent to it."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages={
            "required": _("Enter your mobile number: it receives the codes to reset your password.")
        },
    )
    email = forms.CharField(
        label=_("E-mail address"),
        max_length=254,
        required=False,
        help_text=_("For news about your applications and password-reset links."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_(
            "At least 8 characters, not only digits, not a common password and not like your "
            "username or e-mail address."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Choose a password.")},
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Type the password again.")},
    )

    #: Service field → form field, for putting the service's errors back.
    SERVICE_FIELDS = {"password": "password1"}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _password_pair_clean(self, "password1", "password2")
        return cleaned


class PasswordResetRequestForm(forms.Form):
    """Which account: its e-mail address (a link is sent) or its mobile number (a code).

    Once valid, ``channel`` is ``"email"`` or ``"sms"`` and ``account`` the address or
    the normalised 11-digit number.
    """

    channel = ""

    account = forms.CharField(
        label=_("E-mail address or mobile number"),
        max_length=254,
        help_text=_(
            "The one your account uses. We send a link to an e-mail address, a code to "
            "a mobile number."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter your e-mail address or mobile number.")},
    )

    def clean_account(self) -> str:
        value = str(self.cleaned_data["account"]).strip()
        try:
            if "@" in value:
                validate_email(value)
                self.channel = "email"
                return value
            validate_mobile(value)
        except ValidationError:
            raise ValidationError(
                _(
                    "Enter an e-mail address such as name@example.com, or a mobile number of "
                    "11 digits such as 13812345678."
                ),
                code="invalid",
            ) from None
        self.channel = "sms"
        return normalize_mobile(value)


class NewPasswordForm(forms.Form):
    """A new password, typed twice. ``user`` is accepted for Django's reset view and unused:
    the service validates the password against the account."""

    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        help_text=_(
            "At least 8 characters, not only digits, not a common password and not like your "
            "username or e-mail address."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Choose a new password.")},
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Type the new password again.")},
    )

    def __init__(self, user: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _password_pair_clean(self, "new_password1", "new_password2")
        return cleaned


class ResetCodeForm(NewPasswordForm):
    """The code received by SMS, and the new password."""

    code = forms.RegexField(
        label=_("Code from the text message"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "input--code"}
        ),
        error_messages={
            "required": _("Enter the 6-digit code from the text message."),
            "invalid": _("The code has 6 digits."),
        },
    )
    field_order = ["code", "new_password1", "new_password2"]
