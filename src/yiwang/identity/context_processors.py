"""Template context about the signed-in person."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from yiwang.identity.selectors import is_officer


def person(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {
        # Evaluated only by the pages that ask (one query): shows the workbench link.
        "is_officer": SimpleLazyObject(lambda: user is not None and is_officer(user)),
    }
