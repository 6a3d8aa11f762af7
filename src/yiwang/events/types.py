"""Plain values the events services take: who reported, and where."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Reporter:
    """The caller or reporter (诉求人). ``citizen`` is their user account, if they have one.

    ``anonymous``: no name or phone is kept; no callback is possible, so none is owed.
    ``confidential`` (保密): the identity is shown to nobody outside the centre.
    """

    phone: str = ""
    name: str = ""
    resident_id: str = ""
    anonymous: bool = False
    confidential: bool = False
    citizen: Any = None


@dataclass(frozen=True, slots=True)
class Place:
    """A WGS-84 point, an address, or both. The district comes from the point when given."""

    latitude: float | None = None
    longitude: float | None = None
    address: str = ""
    district_code: str = ""

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None
