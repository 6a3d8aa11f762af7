from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import UserFactory


@pytest.fixture
def citizen_user(db):
    """A person reachable on every channel: e-mail and mobile phone."""
    return UserFactory(username="zhangsan", email="zhangsan@example.org", phone="13812345678")


@pytest.fixture
def run_worker():
    """Run the real ``db_worker`` until no task is ready, as ``db_worker --batch`` does."""

    def run() -> str:
        out = StringIO()
        call_command(
            "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0",
            verbosity=0, stdout=out,
        )  # fmt: skip
        return out.getvalue()

    return run
