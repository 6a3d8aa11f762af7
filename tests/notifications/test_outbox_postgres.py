"""Workers that die, and workers that race, each on its own PostgreSQL connection.

PostgreSQL only: SQLite has no row locks, so ``SKIP LOCKED`` and a killed
backend releasing its locks cannot be shown there.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from tests.factories import UserFactory
from yiwang.notifications import services
from yiwang.notifications.tasks import deliver_notification

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def email_only_notification():
    person = UserFactory(username="wangwu", email="wangwu@example.org", phone="")
    return services.notify(
        user=person, kind="decided", context={"number": "N", "outcome": "approved"}
    )


def _kill(pid: int) -> None:
    """Terminate a PostgreSQL backend (what the server sees when a worker process dies)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)
    raise AssertionError(f"backend {pid} did not go away")


def _in_thread(target):
    errors = []

    def run():
        try:
            target()
        except Exception as exc:  # the killed connection's errors are expected
            errors.append(exc)
        finally:
            try:
                connection.close()
            except Exception as exc:
                errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def test_a_job_locked_by_a_worker_killed_mid_claim_is_skipped_then_run(
    email_only_notification, run_worker
):
    locked, resume = threading.Event(), threading.Event()
    pids = []

    def dying_worker():
        with transaction.atomic():
            row = DBTaskResult.objects.ready().get_locked()
            pids.append(connection.connection.info.backend_pid)
            locked.set()
            resume.wait(10)
            row.claim("dying-worker")  # fails: the process is gone

    thread, _ = _in_thread(dying_worker)
    assert locked.wait(10)

    # While the row is locked, another worker skips it (SKIP LOCKED) instead of waiting.
    run_worker()
    assert mail.outbox == []

    # The worker's process dies before its claim commits: the lock goes with it…
    _kill(pids[0])
    resume.set()
    thread.join(10)
    # …and the job is still READY, so the next worker runs it.
    assert DBTaskResult.objects.get().status == "READY"
    run_worker()
    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_job_claimed_by_a_worker_killed_while_running_it_is_requeued_and_run(
    email_only_notification, run_worker, clock
):
    claimed, resume = threading.Event(), threading.Event()
    pids = []

    def dying_worker():
        with transaction.atomic():
            row = DBTaskResult.objects.ready().get_locked()
            row.claim("dying-worker")  # committed: the job is RUNNING for everyone
        pids.append(connection.connection.info.backend_pid)
        claimed.set()
        resume.wait(10)
        connection.cursor().execute("SELECT 1")  # fails: the process is gone

    thread, _ = _in_thread(dying_worker)
    assert claimed.wait(10)
    _kill(pids[0])
    resume.set()
    thread.join(10)

    run_worker()
    assert mail.outbox == []
    row = DBTaskResult.objects.get()
    assert row.status == "RUNNING"  # not lost, but django_tasks_db never runs it again

    clock.shift(timedelta(seconds=1))  # "older than 0s": claimed before this instant
    out = StringIO()
    call_command("requeue_stale_tasks", "--older-than", "0s", stdout=out)
    assert out.getvalue().startswith("requeued 1 ")
    run_worker()

    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    assert row.worker_ids[0] == "dying-worker"


class SlowBackend(LocmemBackend):
    """Locmem, taking 0.3 s per message: long enough for a second worker to arrive."""

    def send_messages(self, messages):
        time.sleep(0.3)
        return super().send_messages(messages)


def test_two_workers_running_the_same_delivery_send_it_once(email_only_notification, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox_postgres.SlowBackend"
    delivery = email_only_notification.deliveries.get()
    barrier = threading.Barrier(2, timeout=10)
    outcomes = []

    def worker():
        barrier.wait()
        outcomes.append(deliver_notification.call(delivery.pk))

    threads = [_in_thread(worker) for _ in range(2)]
    for thread, _ in threads:
        thread.join(10)

    assert sorted(outcomes) == ["busy", "sent"]
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 1
