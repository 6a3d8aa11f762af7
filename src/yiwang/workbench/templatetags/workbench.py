"""Template helpers of the officer workbench: ``{% load workbench %}``.

``{{ case.step|step_label }}`` (the step in the officer's words),
``{% light case.light %}`` (a coloured dot with its words, never colour alone),
``{{ case_number|timeline_kind }}`` …
"""

from __future__ import annotations

from typing import Any

from django import template

from yiwang.cases.texts import PROCEDURES
from yiwang.workbench.texts import light_label, officer_step_label

register = template.Library()


@register.filter
def step_label(step: str) -> str:
    return officer_step_label(step)


@register.inclusion_tag("workbench/includes/light.html")
def light(value: str, compact: bool = False) -> dict[str, Any]:
    return {"light": value or "", "label": light_label(value or ""), "compact": compact}


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """``{{ names|lookup:item.data.assignee }}``: a dict's value, "" when absent."""
    if not isinstance(mapping, dict):
        return ""
    return mapping.get(key, "")


@register.filter
def procedure_label(code: str) -> str:
    """A special procedure's name (hearing → 听证)."""
    return str(PROCEDURES.get(code, code))


@register.simple_tag
def capped(value: int, cap: int) -> str:
    """A queue count counted up to ``cap`` + 1: the number, or "1,000+" above the cap."""
    return f"{cap:,}+" if value > cap else f"{value:,}"
