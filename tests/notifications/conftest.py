from __future__ import annotations

import pytest

from tests.factories import UserFactory


@pytest.fixture
def citizen_user(db):
    """A person reachable on every channel: e-mail and mobile phone."""
    return UserFactory(username="zhangsan", email="zhangsan@example.org", phone="13812345678")
