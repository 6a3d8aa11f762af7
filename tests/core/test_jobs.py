"""The scheduler runs the periodic jobs every app registered (core.jobs)."""

from __future__ import annotations

from yiwang.core.jobs import periodic_jobs


def test_each_app_registers_its_own_jobs():
    names = [job.name for job in periodic_jobs()]

    assert {"cases.deadlines", "integrations.webhooks", "identity.purge", "events.cards"} <= set(
        names
    )
