"""Template helpers of the citizen portal.

``tr`` picks the field of a bilingual object (``name_zh`` / ``name_en``) that
matches the active language, falling back to Chinese when the English text is
empty::

    {% load portal %}
    {{ version|tr:"name" }}          {# filter #}
    {% tr version "summary" %}       {# tag, same result #}
    {% tr version "summary" as s %}  {# tag, stored in a variable #}

It works on model instances and on plain dicts (the process steps are JSON).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.forms import BoundField
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _

from yiwang.cases.answers import english
from yiwang.cases.uploads import file_kind_label

register = template.Library()


_is_english = english  # one rule: cases.answers.english


def _field(obj: Any, name: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def translated(obj: Any, field: str) -> str:
    """The ``field`` of ``obj`` in the active language (English, or Chinese as fallback)."""
    if obj is None or obj == "":
        return ""
    if _is_english():
        value = _field(obj, f"{field}_en")
        if value not in (None, ""):
            return value
    value = _field(obj, f"{field}_zh")
    if value in (None, ""):
        return ""
    return value


@register.filter(name="tr")
def tr_filter(obj: Any, field: str) -> str:
    return translated(obj, field)


@register.simple_tag(name="tr")
def tr_tag(obj: Any, field: str) -> str:
    return translated(obj, field)


@register.filter
def file_kind(content_type: str) -> str:
    """A stored file's type in plain words ("PDF file"), for citizens."""
    return file_kind_label(content_type)


@register.filter
def split_lines(text: str) -> list[str]:
    """Non-empty lines of a text (conditions and legal basis are stored one per line)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@register.simple_tag
def field_widget(field: BoundField, hint: str = "") -> str:
    """Render a form field's widget described by its hint and error message.

    Matches the ids written by ``includes/form_field.html``: ``<id>_helptext``
    and ``<id>_error``.
    """
    described_by = []
    if hint:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        described_by.append(f"{field.auto_id}_error")
    attrs: dict[str, str] = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def site_name(context: template.Context) -> str:
    """The portal's name in the active language: 济南市一网通办 / Jinan One-Stop Services."""
    if _is_english():
        city = context.get("city_name_en") or settings.YIWANG_CITY_NAME_EN
        return _("%(city)s One-Stop Services") % {"city": city}
    city = context.get("city_name") or settings.YIWANG_CITY_NAME
    return _("%(city)s One-Stop Services") % {"city": city}


@register.simple_tag
def topic_icon(topic: Any, size: int = 24) -> str:
    """A topic's shipped SVG icon (``portal/icons/topics/NAME.svg``) as an ``<img>``.

    Decorative: the topic's name is always written beside it, so ``alt`` is
    empty and screen readers do not read the name twice. An unknown or empty
    icon shows the document icon.
    """
    from yiwang.catalog.models import TOPIC_ICONS

    name = getattr(topic, "icon", "") or ""
    if name not in {code for code, _label in TOPIC_ICONS}:
        name = "document"
    return format_html(
        '<img class="topic-icon" src="{}" alt="" width="{}" height="{}">',
        static(f"portal/icons/topics/{name}.svg"),
        size,
        size,
    )
