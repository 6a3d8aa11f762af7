"""``generate_history`` on SQLite: refused with a clear message (it needs PostgreSQL's COPY
and sequences; docs/performance.md)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from yiwang.cases.models import Case

pytestmark = pytest.mark.django_db


def test_sqlite_is_refused_with_a_clear_message():
    if connection.vendor == "postgresql":
        pytest.skip("the refusal is for SQLite")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("generate_history", cases=10, quiet=True)
    assert not Case.objects.exists()
