"""User accounts: switching one off and on (what the admin's “active” box does)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.core.events import announce
from yiwang.identity.models import User
from yiwang.identity.services.activation import is_active_switch


def user_set_active(*, user: User, active: bool, actor: User | None) -> bool:
    """Deactivate (``active=False``) or reactivate an account; True when it changed.

    A deactivated user holds no role (``selectors``) and cannot sign in. The
    actor needs ``identity.change_user`` (``None``: the system). Locks the
    user row; audited as ``identity.user_deactivate`` /
    ``identity.user_reactivate`` (nothing is written when the account already
    is so). Deactivating announces ``identity.user_deactivated`` (``user``,
    ``actor``) in the transaction, so what depends on the account (an
    integrator's webhooks) stops with it.
    """
    if actor is not None and not actor.has_perm("identity.change_user"):
        raise PermissionDenied(_("You may not change users."))
    with transaction.atomic():
        locked = is_active_switch(user, active)
        if locked is None:
            return False
        audit_record(
            actor=actor,
            action="identity.user_reactivate" if active else "identity.user_deactivate",
            target=locked,
            data={"username": locked.username},
        )
        if not active:
            announce("identity.user_deactivated", user=locked, actor=actor)
    return True
