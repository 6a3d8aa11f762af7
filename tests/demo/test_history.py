"""``generate_history``: a generated case history is consistent, the queue shows it, the audit
log verifies; it refuses SQLite and a database that has cases (PostgreSQL: COPY)."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q

from tests.clock import NOW
from yiwang.cases import selectors
from yiwang.cases.models import (
    Application,
    Case,
    CaseDecision,
    CaseMaterial,
    CaseNumberSequence,
    CaseTimelineEntry,
    SupplementRequest,
)
from yiwang.cases.numbering import parse_case_number
from yiwang.cases.selectors import CaseFilters
from yiwang.core.models import AuditChainHead, AuditEntry
from yiwang.demo.history import CITIZEN_PREFIX
from yiwang.identity.models import Citizen, User
from yiwang.identity.validators import validate_resident_id
from yiwang.processes.models import WorkflowEventRecord, WorkflowInstance
from yiwang.processes.services import workflow_definition
from yiwang.workflow import State, replay

pytestmark = pytest.mark.django_db

CASES = 300


@pytest.fixture(scope="module")
def _generated(demo_city, django_db_blocker) -> bytes:
    """The history, generated once for the module (inside ``demo_city``'s transaction) at
    the tests' instant; returns the audit checkpoint log as it then stands."""
    # Half a year, so that a good share is still open at the test's clock.
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        call_command("generate_history", cases=CASES, years=0.5, seed=3, quiet=True)
    log = demo_city / "audit-checkpoints.jsonl"
    return log.read_bytes() if log.exists() else b""


@pytest.fixture
def history(_generated, settings):
    """Each test starts from the generated history: its rows are the module's savepoint, and
    the checkpoint log (a file, which no rollback undoes) is put back as it stood."""
    Path(settings.YIWANG_AUDIT_CHECKPOINT_LOG).write_bytes(_generated)


@pytest.mark.postgres
def test_the_history_is_consistent_case_by_case(history):
    # Every case has its application, instance, uploads and a first timeline entry.
    assert Case.objects.count() == Application.objects.count() == CASES
    assert WorkflowInstance.objects.filter(case__isnull=False).count() == CASES
    assert not Application.objects.exclude(status=Application.Status.SUBMITTED).exists()
    assert CaseMaterial.objects.filter(application__case__isnull=False).count() >= CASES
    firsts = CaseTimelineEntry.objects.filter(kind="submitted").values("case").distinct()
    assert firsts.count() == CASES
    # The case's columns are the engine's state; replaying the events gives that state back.
    for case in Case.objects.select_related("workflow_instance")[:60]:
        instance = case.workflow_instance
        state = State.from_json(instance.state)
        events = [r.as_event() for r in WorkflowEventRecord.objects.of(instance)]
        assert len(events) == instance.event_count
        assert replay(workflow_definition(instance.definition, instance.overrides), events) == state
        assert case.step == state.status == instance.status
        final = workflow_definition(instance.definition).states[state.status].final
        assert (case.closed_at is not None) == final
        if not final and not case.paused_light:
            assert case.due_at is not None
    # Decisions for the decided cases only; numbers follow the region's daily sequence.
    decided = Case.objects.filter(step__in=["approved", "certificate_issued", "denied"])
    assert CaseDecision.objects.filter(case__in=decided).count() == decided.count()
    assert not CaseDecision.objects.filter(case__step__in=["withdrawn", "submitted"]).exists()
    for number in Case.objects.values_list("number", flat=True)[:50]:
        region, day, seq = parse_case_number(number)
        on = date(int(day[:4]), int(day[4:6]), int(day[6:]))
        assert CaseNumberSequence.objects.get(region_code=region, day=on).last >= seq
    # Waiting for supplements: an open request; answered ones are closed.
    waiting = Case.objects.filter(step__in=["intake_supplement", "review_supplement", "supplement"])
    for case in waiting:
        assert SupplementRequest.objects.filter(case=case, answered_at__isnull=True).count() == 1
    # Citizens with valid identity numbers.
    people = Citizen.objects.filter(user__username__startswith=CITIZEN_PREFIX)
    assert people.count() >= 10
    for person in people[:20]:
        validate_resident_id(person.resident_id)


@pytest.mark.postgres
def test_states_are_realistic_most_closed_some_open_red_and_paused(history):
    by_state = Case.objects.aggregate(
        closed=Count("id", filter=Q(closed_at__isnull=False)),
        open=Count("id", filter=Q(closed_at__isnull=True)),
        paused=Count("id", filter=Q(closed_at__isnull=True) & ~Q(paused_light="")),
        red=Count("id", filter=Q(closed_at__isnull=True, paused_light="", due_at__lt=NOW)),
    )
    assert by_state["closed"] > by_state["open"] > 0
    assert by_state["paused"] > 0 and by_state["red"] > 0


@pytest.mark.postgres
def test_the_queue_shows_the_open_cases_of_the_officers_department(history):
    clerk = User.objects.get(username="clerk_scjg")
    queue = selectors.case_list_for_officer(officer=clerk, now=NOW)
    departments = set(selectors.officer_department_id_list(clerk))
    expected = Case.objects.filter(department_id__in=departments, closed_at__isnull=True)
    assert expected.exists()
    assert {c.number for c in queue} == set(expected.values_list("number", flat=True))
    red = selectors.case_list_for_officer(officer=clerk, filters=CaseFilters(light="red"))
    counts = selectors.case_queue_counts(officer=clerk, now=NOW)
    assert counts.open == expected.count() and counts.red == red.count()


@pytest.mark.postgres
def test_the_audit_log_verifies_and_the_chain_head_moved(history):
    head = AuditChainHead.objects.get()
    assert head.seq == AuditEntry.objects.filter(seq__isnull=False).count()
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True).distinct())
    assert {"workflow.start", "case.submit", "workflow.execute", "case.accept"} <= actions
    out = StringIO()
    call_command("verify_audit", stdout=out, stderr=StringIO())
    assert "Audit log OK" in out.getvalue()


@pytest.mark.postgres
def test_a_second_run_is_refused_unless_appending(history):
    before = Case.objects.count(), AuditEntry.objects.count()
    with pytest.raises(CommandError, match="--append"):
        call_command("generate_history", cases=10, quiet=True)
    assert (Case.objects.count(), AuditEntry.objects.count()) == before
    call_command("generate_history", cases=10, years=0.1, seed=4, append=True, quiet=True)
    assert Case.objects.count() == CASES + 10
    assert Case.objects.values("number").distinct().count() == CASES + 10
