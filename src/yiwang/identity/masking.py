"""Masking of personal data for people whose role does not need it in full (脱敏).

The conventions follow common practice in Chinese government systems:

- resident ID number: keep the first 4 and the last 4 characters
  (``370102199003071234`` → ``3701**********1234``); the birth date and
  sequence are hidden, the province/city and check digits stay so a person can
  recognise their own number.
- unified social credit code: the same rule (``9137**********041U``).
- phone: keep the first 3 and the last 4 digits (``13812345678`` → ``138****5678``).
- e-mail address: keep the first character and the domain
  (``zhangsan@example.org`` → ``z*******@example.org``).
- name: keep the first character (usually the surname) and replace every other
  character with one ``*`` each (``张三丰`` → ``张**``, ``张三`` → ``张*``),
  the form used in public notices (公示) and hotline replies.

Every function returns ``""`` for ``None`` or an empty string and never shows
more than it would for a full-length value: a value too short to keep both
ends is masked completely.
"""

from __future__ import annotations

MASK = "*"


def _mask_middle(value: str | None, *, keep_start: int, keep_end: int) -> str:
    text = (value or "").strip()
    if not text:
        return ""
    if len(text) <= keep_start + keep_end:
        return MASK * len(text)
    hidden = len(text) - keep_start - keep_end
    return text[:keep_start] + MASK * hidden + text[len(text) - keep_end :]


def mask_resident_id(value: str | None) -> str:
    """``370102199003071234`` → ``3701**********1234``."""
    return _mask_middle(value, keep_start=4, keep_end=4)


def mask_uscc(value: str | None) -> str:
    """``91370100163040587M`` → ``9137**********587M``."""
    return _mask_middle(value, keep_start=4, keep_end=4)


def mask_phone(value: str | None) -> str:
    """``13812345678`` → ``138****5678``; landlines keep the same two ends."""
    return _mask_middle(value, keep_start=3, keep_end=4)


def mask_email(value: str | None) -> str:
    """``zhangsan@example.org`` → ``z*******@example.org``; without a domain, all masked."""
    text = (value or "").strip()
    local, at, domain = text.rpartition("@")
    if not at or not local:
        return MASK * len(text)
    return _mask_middle(local, keep_start=1, keep_end=0) + at + domain


def mask_name(value: str | None) -> str:
    """``张三丰`` → ``张**``: the first character stays, each other one becomes ``*``.

    A one-character name is masked completely (``*``).
    """
    text = (value or "").strip()
    if len(text) <= 1:
        return MASK * len(text)
    return text[0] + MASK * (len(text) - 1)
