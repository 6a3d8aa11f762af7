"""What the events services refuse, as typed errors (mapped to HTTP by ``yiwang.api.errors``)."""

from __future__ import annotations

from yiwang.core.errors import DomainError


class EventError(DomainError):
    """A refusal about an event: bad input or a rule (400 unless a subclass says otherwise)."""

    http_status = 400
    code = "event_refused"


class EventNotAllowed(EventError):
    """The actor may not do this to this event (403)."""

    http_status = 403
    code = "forbidden"


class EventInvalid(EventError):
    """An input is missing or malformed (422); ``field`` names it."""

    http_status = 422
    code = "invalid"

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class EventConflict(EventError):
    """The event is not in a state that allows this (409): e.g. signing a returned event."""

    http_status = 409
    code = "wrong_state"


class WindowClosed(EventError):
    """A time window has passed: the return window, the one extension already used (409)."""

    http_status = 409
    code = "window_closed"


class LinkInvalid(EventError):
    """A rating link that this site did not issue, or altered (404)."""

    http_status = 404
    code = "link_invalid"


class LinkSpent(EventError):
    """A rating link already used, superseded, or past its expiry (410)."""

    http_status = 410
    code = "link_spent"
