"""Racing two database connections: release threads together, slow one step down.

For the PostgreSQL tests that show a row lock at work: ``slowed`` makes a step
that runs under the lock take long enough for the other thread to reach the
lock; ``race`` runs the contenders, each on its own connection.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connection

DELAY = 0.3  # seconds: long enough for the other thread to reach the lock


def slowed(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function``, taking ``DELAY`` seconds longer."""

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(DELAY)
        return function(*args, **kwargs)

    return slow


def race(*actions: Callable[[], object]) -> list[object]:
    """Run the actions in threads released together; what each returned or raised, in order."""
    barrier = threading.Barrier(len(actions), timeout=10)
    results: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = action()
        except Exception as exc:  # collected and asserted on by the test
            results[index] = exc
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results
