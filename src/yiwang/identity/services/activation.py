"""Switching an account or a department off and on: the one rule both follow."""

from __future__ import annotations

from typing import TypeVar

from django.db import models

from yiwang.identity.selectors import roles_cache_clear

M = TypeVar("M", bound=models.Model)


def is_active_switch(obj: M, active: bool) -> M | None:
    """Lock ``obj``'s row and set its ``is_active`` (``obj`` too, so the caller's copy agrees);
    the locked row when it changed, None when it already was so (nothing written). The roles
    read from the database are forgotten, since what a role grants depends on both flags.
    Call it inside the caller's transaction, which audits the change."""
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    obj.is_active = active  # type: ignore[attr-defined]
    if locked.is_active == active:  # type: ignore[attr-defined]
        return None
    locked.is_active = active  # type: ignore[attr-defined]
    locked.save(update_fields=["is_active"])
    roles_cache_clear()
    return locked
