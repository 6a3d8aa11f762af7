"""The requests of the permission matrices (tests/test_permission_matrix.py for cases,
tests/events/test_permission_matrix.py for city events): each cell sends one request,
built from a target (the world's objects by name) as the matrix row describes it.

A request is ``send(client, target) -> response`` with a ``covers`` label (which route
or page it exercises, checked against the URLconf and the OpenAPI document)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

Target = dict[str, Any]
Request = Callable[[Client, Target], HttpResponse]
Body = dict[str, Any] | Callable[[Target], dict[str, Any]]
#: A form's file: (field name, a fresh upload).
FileField = tuple[str, Callable[[], Any]]


def body_of(body: Body | None, t: Target) -> dict[str, Any]:
    """The body given as a dict or as a function of the target."""
    return (body(t) if callable(body) else body) or {}


def _labelled(send: Request, covers: str) -> Request:
    send.covers = covers  # type: ignore[attr-defined]
    return send


def api_request(
    method: str,
    path: str,
    url: Callable[[Target], str],
    data: Callable[[Target], dict[str, Any]],
    *,
    file: FileField | None = None,
    query_on_get: bool = False,
    covers: str = "",
) -> Request:
    """An API call to ``url(t)``; ``data(t)`` is the JSON body (a form with ``file``), and
    the query string of a GET when ``query_on_get``. ``path`` is the OpenAPI path."""

    def send(client: Client, t: Target) -> HttpResponse:
        where = url(t)
        if method == "GET":
            return client.get(where, data(t)) if query_on_get else client.get(where)
        if method == "DELETE":
            return client.delete(where)
        if file is not None:
            return client.post(where, {**data(t), file[0]: file[1]()})
        return client.generic(method, where, json.dumps(data(t)), "application/json")

    return _labelled(send, covers or f"{method} /api/v1{path}")


def page_request(
    method: str,
    name: str,
    data: Callable[[Target], dict[str, Any]],
    keys: dict[str, str],
    *,
    extra: dict[str, str] | None = None,
    file: FileField | None = None,
    query_on_get: bool = False,
) -> Request:
    """The page ``name``, its URL's arguments ``keys`` (argument → key of the target) and
    ``extra`` (fixed arguments: a workbench command, an event page's action); ``data(t)``
    is the form (and the query string of a GET when ``query_on_get``)."""

    def send(client: Client, t: Target) -> HttpResponse:
        kwargs = {**{arg: t[key] for arg, key in keys.items()}, **(extra or {})}
        where = reverse(name, kwargs=kwargs)
        if method == "GET":
            return client.get(where, data(t)) if query_on_get else client.get(where)
        form = data(t)
        if file is not None:
            form[file[0]] = file[1]()
        return client.post(where, form)

    return _labelled(send, " ".join([name, *(extra or {}).values()]))
