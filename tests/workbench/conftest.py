"""Fixtures of the workbench tests: a case world (tests.factories) and signed-in clients."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.factories import CaseWorld, case_world
from yiwang.identity.models import User


@pytest.fixture
def world(db) -> CaseWorld:
    return case_world()


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    """A test client signed in as ``user`` that asks for English pages."""

    def make(user: User) -> Client:
        client = Client()
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        client.force_login(user)
        return client

    return make
