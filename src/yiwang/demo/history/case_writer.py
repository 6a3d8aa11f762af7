"""One chunk's cases, written as rows: each case run through the real workflow engine and
its application, uploads, timeline, decisions and audit entries produced.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from yiwang.cases.models import (
    Application,
    Case,
    CaseDecision,
    CaseMaterial,
    CaseTimelineEntry,
    SupplementRequest,
)
from yiwang.cases.numbering import certificate_number_for
from yiwang.cases.services import apply_state, main_clock
from yiwang.catalog.models import ServiceVersion
from yiwang.demo.history.base import SAMPLE_PATH, SAMPLE_PDF
from yiwang.demo.history.bulk import Ids, Loader
from yiwang.demo.history.catalog import Catalog
from yiwang.demo.history.chain import _AuditChain
from yiwang.demo.history.paths import _ACCEPT, _ITEMS, _REASON, _path, _waiting_for_supplements
from yiwang.processes.models import WorkflowEventRecord, WorkflowInstance
from yiwang.processes.services import workflow_calendar_columns_set, workflow_definition
from yiwang.workflow import Command, CommandRefused, Event, State, apply, start, tick
from yiwang.workflow import due_at as next_due


class _CaseWriter:
    """Runs one case through the engine and buffers every row it leaves."""

    def __init__(
        self,
        loader: Loader,
        catalog: Catalog,
        calendar: Any,
        chain: _AuditChain,
        now: datetime,
        sample_sha: str,
        labels: dict[int, str],
    ) -> None:
        self.catalog, self.calendar, self.chain, self.now = catalog, calendar, chain, now
        self.sample_sha, self.labels = sample_sha, labels
        self.application = loader.table(
            Application,
            ["applicant", "enterprise", "service_version", "form_data", "status",
             "idempotency_key", "created_at", "updated_at", "submitted_at"],
        )  # fmt: skip
        self.instance = loader.table(
            WorkflowInstance,
            ["definition", "overrides", "state", "version", "status", "due_at", "provisional",
             "counts_from", "counts_until", "event_count", "created_at", "updated_at"],
        )  # fmt: skip
        self.event = loader.table(WorkflowEventRecord, ["instance", "seq", "type", "at", "data"])
        self.case_row = loader.table(
            Case,
            ["number", "application", "service_version", "department", "applicant",
             "enterprise", "workflow_instance", "step", "assignee", "received_at", "due_at",
             "warn_at", "due_provisional", "paused_light", "certificate_number", "closed_at",
             "version", "updated_at"],
        )  # fmt: skip
        self.material = loader.table(
            CaseMaterial,
            ["application", "material", "file", "original_name", "content_type", "size",
             "uploaded_by", "uploaded_at", "supplement_request", "superseded", "sha256"],
        )  # fmt: skip
        self.timeline_row = loader.table(
            CaseTimelineEntry, ["case", "at", "kind", "department", "detail", "data", "public"]
        )
        self.supplement = loader.table(
            SupplementRequest,
            ["case", "stage", "items", "note", "requested_by", "requested_at", "answered_at"],
        )
        self.decision = loader.table(
            CaseDecision, ["case", "outcome", "reason", "legal_basis", "decided_by", "decided_at"]
        )
        self.ids = {
            model: Ids(model, block)
            for model, block in (
                (Application, 5_000),
                (WorkflowInstance, 5_000),
                (WorkflowEventRecord, 40_000),
                (Case, 5_000),
                (CaseMaterial, 20_000),
                (CaseTimelineEntry, 30_000),
                (SupplementRequest, 2_000),
                (CaseDecision, 5_000),
            )
        }

    def _actor(
        self, rnd: random.Random, department_id: int, role: str, applicant: int
    ) -> int | None:
        if role == "applicant":
            return applicant
        ids = self.catalog.officers.get((department_id, role)) or self.catalog.any_officer.get(
            department_id
        )
        return rnd.choice(ids) if ids else None

    def _who(self, pk: int | None) -> tuple[int, str] | None:
        return None if pk is None else (pk, self.labels[pk])

    def case(
        self,
        rnd: random.Random,
        version: ServiceVersion,
        applicant: int,
        received: datetime,
        number: str,
    ) -> int:
        """Buffer one case's rows; 1 when it is open now, else 0."""
        ids = self.ids
        department_id = version.item.department_id
        definition = workflow_definition(version.workflow, self.catalog.overrides[version.pk])
        overrides = self.catalog.overrides[version.pk]
        app_id, wf_id, case_id = ids[Application](), ids[WorkflowInstance](), ids[Case]()
        applicant_who = (applicant, self.labels[applicant])
        steps, _ = _path(version.workflow, rnd)
        age = self.now - received
        # Older cases left waiting: supplements never handed in (paused), or a review that
        # stalled (overdue, within the last year).
        if age > timedelta(days=20):
            r = rnd.random()
            if r < 0.018:
                steps = _waiting_for_supplements(version.workflow)
            elif r < 0.026 and age < timedelta(days=400):
                cut = next(i for i, s in enumerate([*steps, _ACCEPT]) if s.command == "accept")
                steps = [*steps[:cut], _ACCEPT] if cut == len(steps) else steps[: cut + 1]

        outcome = start(definition, at=received, calendar=self.calendar)
        state: State = outcome.state
        events: list[Event] = list(outcome.events)
        wf_target = ("processes.WorkflowInstance", wf_id)
        audit = self.chain.record
        audit(received, applicant_who, "workflow.start",
              (*wf_target, f"{version.workflow} #{wf_id} ({state.status})"),
              {"definition": version.workflow, "overrides": overrides, "status": state.status,
               "version": state.version, "events": [e.type for e in outcome.events]})  # fmt: skip
        case = Case(
            pk=case_id,
            number=number,
            department_id=department_id,
            received_at=received,
            updated_at=received,
        )
        instance = WorkflowInstance(definition=version.workflow, overrides=overrides)

        def sync(at: datetime) -> None:
            instance.state = state.to_json()
            instance.version = state.version
            apply_state(case, instance, at)

        sync_at = received
        case_target = ("cases.Case", case_id, number)
        timeline = self.timeline_row
        tl_ids = ids[CaseTimelineEntry]

        def due_data() -> dict[str, Any]:  # what ``timeline(..., due=True)`` records
            clock = main_clock(state)
            if clock is None:
                return {}
            data: dict[str, Any] = {"due_at": timezone.localtime(clock.deadline).isoformat()}
            if clock.provisional:
                data["due_provisional"] = True
            return data

        def case_audit(at: datetime, who: tuple[int, str] | None, action: str, **data: Any) -> None:
            head = {"number": number, "step": state.status, "version": state.version}
            audit(at, who, action, case_target, {**head, **data})

        timeline(tl_ids(), case_id, received, "submitted", department_id, "",
                 json.dumps(due_data()), True)  # fmt: skip
        case_audit(received, applicant_who, "case.submit", application=app_id, idempotency_key=None)
        materials = self.catalog.materials.get(version.pk, [])
        uploaded = received - timedelta(minutes=10)
        for m in materials:
            self.material(ids[CaseMaterial](), app_id, m.pk, SAMPLE_PATH,
                          f"{m.name_zh[:60]}.pdf", "application/pdf", len(SAMPLE_PDF), applicant,
                          uploaded, None, False, self.sample_sha)  # fmt: skip

        at = last_at = received
        assignee: int | None = None
        certificate = ""
        open_request: tuple[int, str, datetime, int | None] | None = None
        for step in steps:
            at = at + timedelta(hours=rnd.uniform(*step.delay))
            if at >= self.now:
                break
            actor = self._actor(rnd, department_id, step.role, applicant)
            fields = dict(step.fields)
            if step.command == "issue_certificate":
                certificate = certificate_number_for(number)
                fields = {"certificate_number": certificate}
            before = state
            try:
                outcome = apply(
                    definition, state, Command(step.command, step.role, fields), at=at,
                    calendar=self.calendar,
                )  # fmt: skip
            except CommandRefused as refused:
                # E.g. deemed accepted while the clerk waited: record what time did, go on.
                ticked = getattr(refused, "ticked", None)
                if ticked is not None and ticked.events:
                    state, events = ticked.state, events + list(ticked.events)
                    audit(at, None, "workflow.tick",
                          (*wf_target, f"{version.workflow} #{wf_id} ({state.status})"),
                          {"from": {"status": before.status, "version": before.version},
                           "to": {"status": state.status, "version": state.version},
                           "events": [e.type for e in ticked.events]})  # fmt: skip
                    sync_at = at
                continue
            state, events = outcome.state, events + list(outcome.events)
            last_at = at
            who = self._who(actor)
            audit(at, who, "workflow.execute",
                  (*wf_target, f"{version.workflow} #{wf_id} ({state.status})"),
                  {"command": step.command, "role": step.role, "branch": None,
                   "from": {"status": before.status, "version": before.version},
                   "to": {"status": state.status, "version": state.version},
                   "events": [e.type for e in outcome.events]})  # fmt: skip
            sync_at = at
            detail, data = "", due_data() if step.due else {}
            if step.command in ("reject", "deny"):
                detail = _REASON
            if step.command == "approve":
                data["outcome"] = CaseDecision.Outcome.APPROVED.value
            if step.command == "deny":
                data = {"outcome": CaseDecision.Outcome.DENIED.value, "legal_basis": ""}
            if step.command == "issue_certificate":
                data = {"certificate_number": certificate}
            if step.command == "request_supplement":
                data = {"items": _ITEMS}
                open_request = (ids[SupplementRequest](), before.status, at, actor)
            timeline(tl_ids(), case_id, at, step.kind, department_id, detail,
                     json.dumps(data, ensure_ascii=False), True)  # fmt: skip
            if step.command == "answer_supplement" and open_request is not None:
                req_id, stage, asked, by = open_request
                self.supplement(req_id, case_id, stage, json.dumps(_ITEMS, ensure_ascii=False),
                                "", by, asked, at)  # fmt: skip
                self.material(ids[CaseMaterial](), app_id, None, SAMPLE_PATH,
                              "补充说明.pdf", "application/pdf", len(SAMPLE_PDF), applicant, at,
                              req_id, False, self.sample_sha)  # fmt: skip
                case_audit(at, who, "case.answer_supplement", request=req_id)
                open_request = None
            elif step.role == "applicant":
                case_audit(at, who, f"case.{step.command}", reason="")
            else:
                role_fields = {"role": step.role, **fields}
                case_audit(at, who, f"case.{step.command}", **role_fields)
            if step.outcome and actor is not None:
                reason = _REASON if step.command != "approve" else ""
                self.decision(ids[CaseDecision](), case_id, step.outcome, reason, "", actor, at)
            if step.command == "accept" and version.workflow == "licensing":
                assignee = self._actor(rnd, department_id, "reviewer", applicant)
                if assignee is not None:
                    claim_at = at + timedelta(minutes=rnd.uniform(5, 120))
                    if claim_at < self.now:
                        timeline(tl_ids(), case_id, claim_at, "assigned", department_id, "",
                                 json.dumps({"assignee": assignee}), False)  # fmt: skip
                        case_audit(claim_at, self._who(assignee), "case.claim", assignee=assignee)
                        at = last_at = claim_at
                    else:
                        assignee = None
        if open_request is not None:  # asked, never answered: the request stays open
            req_id, stage, asked, by = open_request
            self.supplement(req_id, case_id, stage, json.dumps(_ITEMS, ensure_ascii=False), "",
                            by, asked, None)  # fmt: skip
        if not definition.states[state.status].final:  # the scheduler's ticks up to now
            before = state
            ticked = tick(definition, state, at=self.now, calendar=self.calendar)
            if ticked.events:
                state, events = ticked.state, events + list(ticked.events)
                last = ticked.events[-1].at
                audit(last, None, "workflow.tick",
                      (*wf_target, f"{version.workflow} #{wf_id} ({state.status})"),
                      {"from": {"status": before.status, "version": before.version},
                       "to": {"status": state.status, "version": state.version},
                       "events": [e.type for e in ticked.events]})  # fmt: skip
                sync_at = last
        sync(sync_at)
        workflow_calendar_columns_set(instance, state, self.calendar)
        self.instance(wf_id, version.workflow, json.dumps(overrides), json.dumps(instance.state),
                      state.version, state.status, next_due(state), instance.provisional,
                      instance.counts_from, instance.counts_until, len(events), received,
                      state.updated_at)  # fmt: skip
        for seq, e in enumerate(events, start=1):
            self.event(ids[WorkflowEventRecord](), wf_id, seq, e.type, e.at,
                       json.dumps(e.data, ensure_ascii=False))  # fmt: skip
        closed = case.closed_at
        self.application(app_id, applicant, None, version.pk, "{}", Application.Status.SUBMITTED,
                         None, received - timedelta(minutes=30), received, received)  # fmt: skip
        self.case_row(case_id, number, app_id, version.pk, department_id, applicant, None, wf_id,
                      case.step, assignee, received, case.due_at, case.warn_at,
                      case.due_provisional, case.paused_light, certificate, closed,
                      case.version, last_at)  # fmt: skip
        return 0 if closed else 1
