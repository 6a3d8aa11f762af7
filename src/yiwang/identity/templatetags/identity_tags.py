"""Template filters that mask personal data: ``{% load identity_tags %}``.

``{{ citizen.resident_id|mask_id }}``, ``{{ citizen.phone|mask_phone }}``,
``{{ citizen.name|mask_name }}``. See ``yiwang.identity.masking``.
"""

from __future__ import annotations

from django import template

from yiwang.identity import masking

register = template.Library()


@register.filter
def mask_id(value: object) -> str:
    """Mask a resident ID number or a unified social credit code (first 4 and last 4 kept)."""
    return masking.mask_resident_id(None if value is None else str(value))


@register.filter
def mask_phone(value: object) -> str:
    return masking.mask_phone(None if value is None else str(value))


@register.filter
def mask_name(value: object) -> str:
    return masking.mask_name(None if value is None else str(value))
