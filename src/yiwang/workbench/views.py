"""Officer-facing pages of 一网通办 (placeholder while the workbench is built)."""

from django.http import HttpRequest, HttpResponse


def queue(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
