"""A generated case history at city scale, bulk-loaded with PostgreSQL COPY (``generate_history``).

What it writes, on a database where the Jinan demo city is loaded (``load_demo``):
citizens (users, profiles, the citizen role), and for each case its
application, the uploads of its required materials (rows pointing at one
shared small file), the case itself, its workflow instance and every event,
its timeline, its supplement requests and decision, and the audit entries
the services would have appended (``workflow.start``, ``case.submit``,
``workflow.execute`` and ``case.<command>`` per step, ``case.claim``,
``workflow.tick``).

Every case is run through the real workflow engine (``yiwang.workflow``:
``start``, ``apply``, ``tick``) with the real calendar, along a scripted
path whose steps are spaced by realistic delays; a step planned after now is
not taken, so recent cases are open at their natural step, and the clock's
warnings and overdue marks are those the scheduler would have recorded by
now. A few older cases are left waiting: supplements never handed in
(paused), or a review that stalled (overdue). With the default delays about
97 % of a three-year history is closed.

The audit entries are loaded already sealed: their content hash and chain
hash are computed here with the audit log's own functions
(``content_hash``, ``chain_hash_v2``) continuing the chain head, which is then
moved; a checkpoint is issued at the end when a signing key is configured, so
``python -m yiwang verify-audit`` checks the whole chain. Sealing them one by
one through the sequencer would work too, only slower.

Case numbers continue each region's daily sequence (``CaseNumberSequence``).
Ids are reserved from each table's sequence per chunk, so the rows of a chunk
reference each other before they are written. One transaction per chunk.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from yiwang.cases.models import (
    Application,
    Case,
    CaseDecision,
    CaseMaterial,
    CaseNumberSequence,
    CaseTimelineEntry,
    SupplementRequest,
)
from yiwang.cases.numbering import certificate_number_for, format_case_number
from yiwang.cases.permissions import WORKFLOW_ROLES
from yiwang.cases.services import apply_state, case_workflow_overrides, main_clock
from yiwang.catalog.models import Material, ServiceVersion
from yiwang.core.audit import (
    AuditCheckpointRefused,
    audit_checkpoint_issue,
    audit_signer_check,
    content_hash,
)
from yiwang.core.audit.hashing import CHAIN_FORMAT, chain_hash_v2
from yiwang.core.audit.log import locked_chain_head
from yiwang.core.calendar import load_calendar
from yiwang.core.models import AuditEntry
from yiwang.identity.models import Citizen, Role, RoleAssignment, User
from yiwang.identity.validators import resident_id_check_character
from yiwang.processes.models import WorkflowEventRecord, WorkflowInstance
from yiwang.processes.services import workflow_calendar_columns_set, workflow_definition
from yiwang.workflow import Command, CommandRefused, Event, State, apply, start, tick
from yiwang.workflow import due_at as next_due

#: The workflows the generator knows paths through (every demo service uses one of them).
WORKFLOWS = ("licensing", "public_service")
#: Username prefix of generated citizens.
CITIZEN_PREFIX = "gen-"
#: The one file every generated upload points at.
SAMPLE_PATH = "generated/sample.pdf"
SAMPLE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
#: Share of cases filed by the demo's own citizen account ("citizen"), so one applicant
#: has thousands of cases (an agent filing for many people) at a million.
DEMO_CITIZEN_SHARE = 0.0025

_SURNAMES = "".join(
    [
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁",
        "谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈",
    ]
)
_GIVEN = "".join(
    [
        "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞",
        "平刚桂英华建国晓红玉兰志强海燕鹏飞子涵浩然欣怡梓萱一诺",
    ]
)


class HistoryRefused(Exception):
    """The database cannot take a generated history (SQLite, no demo city, not empty)."""


@dataclass
class Sizes:
    """Rows written per table."""

    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, table: str, n: int = 1) -> None:
        self.rows[table] += n

    @property
    def total(self) -> int:
        return sum(self.rows.values())


@dataclass
class Step:
    """One scripted command: who gives it, after how long, what it writes."""

    command: str
    role: str
    delay: tuple[float, float]  # hours after the previous step, uniform
    kind: str  # timeline kind
    fields: dict[str, Any] = field(default_factory=dict)
    outcome: str = ""  # CaseDecision outcome, when it decides
    due: bool = False  # the timeline entry carries the new due date


_REASON = "申请材料不符合法定形式"
_OPINIONS = {
    "approve": "材料齐全，符合法定条件，建议准予许可",
    "deny": "不符合法定条件，建议不予许可",
}
_ITEMS = [{"material_id": None, "name": "补充说明材料", "reason": "内容不完整，请补充"}]
_MISSING = [f"{i['name']}: {i['reason']}" for i in _ITEMS]


def _supplement(role: str, answer_after: tuple[float, float]) -> list[Step]:
    return [
        Step(
            "request_supplement",
            role,
            (4, 72),
            "supplement_requested",
            {"missing_materials": _MISSING},
        ),
        Step("answer_supplement", "applicant", answer_after, "supplement_answered", due=True),
    ]


def _path(workflow: str, rnd: random.Random) -> tuple[list[Step], bool]:
    """A scripted path through ``workflow`` and whether it ends in a supplement never answered
    (chosen later for some old cases)."""
    x = rnd.random()
    intake_supp = rnd.random() < 0.05
    review_supp = rnd.random() < 0.15
    steps: list[Step] = []
    if workflow == "licensing":
        if x < 0.06:
            return [Step("reject", "intake_clerk", (1, 60), "rejected", {"reason": _REASON},
                         outcome=CaseDecision.Outcome.REJECTED_AT_INTAKE)], False  # fmt: skip
        if x < 0.10:
            return [Step("withdraw", "applicant", (2, 48), "withdrawn")], False
        if intake_supp:
            steps += _supplement("intake_clerk", (8, 96))
        steps.append(Step("accept", "intake_clerk", (1, 60), "accepted", due=True))
        if review_supp:
            steps += _supplement("reviewer", (24, 120))
        # 审查 before 决定 (licensing v2, 行政许可法 第三十四条): the reviewer's opinion.
        outcome = "deny" if x < 0.15 else "approve"
        steps.append(Step("review", "reviewer", (24, 300), "reviewed",
                          {"outcome": outcome, "opinion": _OPINIONS[outcome]}))  # fmt: skip
        if x < 0.15:
            steps.append(Step("deny", "approver", (8, 100), "denied", {"reason": _REASON},
                              outcome=CaseDecision.Outcome.DENIED))  # fmt: skip
            return steps, False
        steps += [
            Step("approve", "approver", (8, 300), "approved",
                 outcome=CaseDecision.Outcome.APPROVED),
            Step("issue_certificate", "approver", (2, 48), "certificate_issued"),
            Step("complete", "approver", (1, 24), "completed"),
        ]  # fmt: skip
        return steps, False
    # public_service
    if x < 0.07:
        return [Step("reject", "intake_clerk", (1, 40), "rejected", {"reason": _REASON},
                     outcome=CaseDecision.Outcome.REJECTED_AT_INTAKE)], False  # fmt: skip
    if x < 0.11:
        return [Step("withdraw", "applicant", (2, 30), "withdrawn")], False
    if intake_supp:
        steps += _supplement("intake_clerk", (8, 72))
    steps += [
        Step("accept", "intake_clerk", (1, 40), "accepted", due=True),
        Step("complete", "handler", (4, 200), "completed"),
    ]
    return steps, False


_ACCEPT = Step("accept", "intake_clerk", (1, 40), "accepted", due=True)


def _waiting_for_supplements(workflow: str) -> list[Step]:
    """Accepted and asked for supplements in review (licensing) or asked at intake (public
    service); the applicant never answers."""
    if workflow == "licensing":
        return [_ACCEPT, *_supplement("reviewer", (1, 1))[:1]]
    return _supplement("intake_clerk", (1, 1))[:1]


@dataclass
class Catalog:
    """What cases are made of: published versions (with their department, region, required
    materials and workflow overrides) and each department's officers per workflow role."""

    versions: list[ServiceVersion]
    weights: list[float]
    overrides: dict[int, dict[str, Any]]
    materials: dict[int, list[Material]]
    officers: dict[tuple[int, str], list[int]]
    any_officer: dict[int, list[int]]
    region_of: dict[int, str]


_OFFICER_ROLES = {
    "licensing": (Role.INTAKE_CLERK, Role.REVIEWER, Role.APPROVER),
    "public_service": (Role.INTAKE_CLERK, Role.DEPARTMENT_HANDLER),
}


def officers_ensure(versions: Sequence[ServiceVersion]) -> int:
    """Give each department of ``versions`` an officer in each role its workflows need, when it
    has none (the demo staffs only a few departments): users ``gen-officer-<code>-<role>``,
    through ``role_assign`` (audited). Returns how many were made."""
    from yiwang.identity.services import role_assign

    needed: dict[Any, set[Role]] = defaultdict(set)
    for v in versions:
        needed[v.item.department].update(_OFFICER_ROLES[v.workflow])
    have = set(
        RoleAssignment.objects.filter(department__isnull=False).values_list("department_id", "role")
    )
    made = 0
    for department, roles in needed.items():
        for role in sorted(roles):
            if (department.pk, role.value) in have:
                continue
            user, _created = User.objects.get_or_create(
                username=f"{CITIZEN_PREFIX}officer-{department.code}-{role.value}",
                defaults={"display_name": f"{department.short_name_zh or department.name_zh}"
                          f"·{role.label}", "password": "!generated"},
            )  # fmt: skip
            role_assign(user=user, role=role, department=department, actor=None)
            made += 1
    return made


def load_catalog() -> Catalog:
    """The published demo services the generator can run, with their officers."""
    versions = list(
        ServiceVersion.objects.filter(
            status=ServiceVersion.Status.PUBLISHED, workflow__in=WORKFLOWS
        )
        .select_related("item__department__region")
        .order_by("pk")
    )
    if not versions:
        raise HistoryRefused(
            "No published service to generate cases for: load the demo city first "
            "(manage.py load_demo)."
        )
    rnd = random.Random(7)  # noqa: S311 - made-up data, not secrets; popularity: a few services take most cases
    weights = [rnd.paretovariate(1.2) for _ in versions]
    officers_ensure(versions)
    materials: dict[int, list[Material]] = defaultdict(list)
    for m in Material.objects.filter(
        version__in=versions, requirement=Material.Requirement.REQUIRED
    ).order_by("order", "pk"):
        materials[m.version_id].append(m)
    officers: dict[tuple[int, str], list[int]] = defaultdict(list)
    any_officer: dict[int, list[int]] = defaultdict(list)
    for user_id, role, department_id in RoleAssignment.objects.filter(
        department__isnull=False, user__is_active=True
    ).values_list("user_id", "role", "department_id"):
        any_officer[department_id].append(user_id)
        if role in WORKFLOW_ROLES:
            officers[(department_id, WORKFLOW_ROLES[role])].append(user_id)
    return Catalog(
        versions=versions,
        weights=weights,
        overrides={v.pk: case_workflow_overrides(v) for v in versions},
        materials=materials,
        officers=officers,
        any_officer=any_officer,
        region_of={v.pk: v.item.department.region.code for v in versions},
    )


# --- COPY ---------------------------------------------------------------------------------


def _columns(model: Any, names: Sequence[str]) -> list[str]:
    return [model._meta.get_field(n).column for n in names]


class Loader:
    """Rows buffered per table and written with one COPY each per chunk."""

    def __init__(self, sizes: Sizes) -> None:
        self.sizes = sizes
        self.rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self.columns: dict[str, list[str]] = {}

    def table(self, model: Any, names: Sequence[str]) -> Callable[..., None]:
        table = model._meta.db_table
        self.columns[table] = ["id", *_columns(model, names)]
        rows = self.rows[table]
        return lambda *values: rows.append(values)

    def flush(self) -> None:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table, rows in self.rows.items():
                if not rows:
                    continue
                cols = ", ".join(quote(c) for c in self.columns[table])
                with cursor.copy(f"COPY {quote(table)} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                self.sizes.add(table, len(rows))
                rows.clear()


def reserve_ids(model: Any, n: int) -> int:
    """The first of ``n`` consecutive ids taken from ``model``'s id sequence."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute(f"SELECT nextval('{sequence}')")
        first = int(cursor.fetchone()[0])
        if n > 1:
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + n - 1])
    return first


class Ids:
    """Hands out ids from a reserved block, reserving another when it runs out."""

    def __init__(self, model: Any, block: int) -> None:
        self.model, self.block, self.next, self.end = model, block, 0, 0

    def __call__(self) -> int:
        if self.next >= self.end:
            self.next = reserve_ids(self.model, self.block)
            self.end = self.next + self.block
        self.next += 1
        return self.next - 1


# --- the generator ----------------------------------------------------------------------------


class Progress:
    """A progress line on stderr: cases, percent, rows per second, elapsed."""

    def __init__(self, total: int, sizes: Sizes, stream: Any = None, quiet: bool = False) -> None:
        self.total, self.sizes, self.stream, self.quiet = total, sizes, stream, quiet
        self.started = time.monotonic()
        self.shown = 0.0

    def show(self, done: int, force: bool = False) -> None:
        now = time.monotonic()
        if self.quiet or (not force and now - self.shown < 0.5):
            return
        self.shown = now
        elapsed = max(now - self.started, 1e-6)
        width = 30
        filled = int(width * done / max(self.total, 1))
        stream = self.stream or sys.stderr
        stream.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{self.total:,} cases "
            f"{100 * done / max(self.total, 1):5.1f} %  {self.sizes.total / elapsed:,.0f} rows/s "
            f" {elapsed:,.0f} s"
        )
        stream.flush()

    def end(self) -> None:
        if not self.quiet:
            (self.stream or sys.stderr).write("\n")


@dataclass
class Report:
    cases: int
    citizens: int
    open: int
    seconds: float
    sizes: dict[str, int]
    checkpoint: bool


def _citizen_rows(loader: Loader, first_n: int, count: int, now: datetime) -> list[tuple[int, str]]:
    """``count`` citizens numbered from ``first_n``: user, profile, citizen role and group."""
    user = loader.table(
        User,
        ["password", "last_login", "is_superuser", "username", "first_name", "last_name",
         "email", "is_staff", "is_active", "date_joined", "display_name", "phone",
         "oidc_subject"],
    )  # fmt: skip
    citizen = loader.table(Citizen, ["user", "name", "resident_id", "phone", "address"])
    role = loader.table(RoleAssignment, ["user", "role", "department", "created_at"])
    group_table = User.groups.through
    member = loader.table(group_table, ["user", "group"])
    group_id = Group.objects.get_or_create(name=Role.CITIZEN.value)[0].pk
    user_ids = Ids(User, count)
    citizen_ids, role_ids = Ids(Citizen, count), Ids(RoleAssignment, count)
    member_ids = Ids(group_table, count)
    born = date(1950, 1, 1)
    ids = []
    for n in range(first_n, first_n + count):
        name = _SURNAMES[n % len(_SURNAMES)] + _GIVEN[(n * 7) % len(_GIVEN)]
        if n % 3:
            name += _GIVEN[(n * 13) % len(_GIVEN)]
        first17 = f"370112{born + timedelta(days=n // 1000 % 20000):%Y%m%d}{n % 1000:03d}"
        phone = f"139{n % 100_000_000:08d}"
        pk, username = user_ids(), f"{CITIZEN_PREFIX}{n:07d}"
        user(pk, "!generated", None, False, username, "", "", "", False, True,
             now, name, phone, "")  # fmt: skip
        citizen(citizen_ids(), pk, name, first17 + resident_id_check_character(first17), phone, "")
        role(role_ids(), pk, Role.CITIZEN.value, None, now)
        member(member_ids(), pk, group_id)
        ids.append((pk, username))
    return ids


class _Content:
    """What ``content_hash`` reads of an entry (its content columns), without a model instance.

    ``data`` must be JSON-safe already (as ``json_safe`` gives it): here ints, text, lists,
    dicts and None only."""

    __slots__ = (
        "action", "actor_id", "actor_label", "created_at", "data", "target_id", "target_label",
        "target_type",
    )  # fmt: skip

    def __init__(self, *values: Any) -> None:
        (self.created_at, self.actor_id, self.actor_label, self.action, self.target_type,
         self.target_id, self.target_label, self.data) = values  # fmt: skip


class _AuditChain:
    """Audit entries loaded sealed, continuing the chain from its head."""

    def __init__(self, loader: Loader, seq: int, previous: str, sealed_at: datetime) -> None:
        self.add = loader.table(
            AuditEntry,
            ["created_at", "actor", "actor_label", "action", "target_type", "target_id",
             "target_label", "data", "content_hash", "seq", "hash", "sealed_at",
             "chain_format"],
        )  # fmt: skip
        self.ids = Ids(AuditEntry, 50_000)
        self.seq, self.previous, self.sealed_at = seq, previous, sealed_at

    def record(
        self,
        at: datetime,
        actor: tuple[int, str] | None,
        action: str,
        target: tuple[str, int, str],
        data: dict[str, Any],
    ) -> None:
        entry = _Content(
            at,
            actor[0] if actor else None,
            actor[1] if actor else "system",
            action,
            target[0],
            str(target[1]),
            target[2][:200],
            data,
        )
        digest = content_hash(entry)  # type: ignore[arg-type]
        self.seq += 1
        pk = self.ids()
        self.previous = chain_hash_v2(self.previous, self.seq, digest, pk, self.sealed_at)
        self.add(
            pk, at, entry.actor_id, entry.actor_label, action, entry.target_type,
            entry.target_id, entry.target_label, json.dumps(entry.data, ensure_ascii=False),
            digest, self.seq, self.previous, self.sealed_at, CHAIN_FORMAT,
        )  # fmt: skip


def generate_history(
    *,
    cases: int,
    years: float = 3,
    seed: int = 1,
    append: bool = False,
    citizens: int | None = None,
    chunk: int = 10_000,
    now: datetime | None = None,
    progress_stream: Any = None,
    quiet: bool = False,
) -> Report:
    """Generate ``cases`` cases received over the last ``years`` years (see the module).

    Refuses (``HistoryRefused``) on a database other than PostgreSQL, without the
    demo city, and when cases exist already unless ``append``. Writes in one
    transaction per ``chunk`` cases; issues an audit checkpoint at the end when a
    signing key is configured.
    """
    if connection.vendor != "postgresql":
        raise HistoryRefused(
            "generate_history bulk-loads with PostgreSQL COPY: point DATABASE_URL at a "
            "PostgreSQL database (SQLite is not supported)."
        )
    if Case.objects.exists() and not append:
        raise HistoryRefused(
            "This database has cases already; generating a history again would add to it. "
            "Pass --append to add cases anyway, or use an empty (demo-only) database."
        )
    started = time.monotonic()
    now = now or timezone.now()
    with connection.cursor() as cursor:  # made-up data: a crash may lose the last chunks
        cursor.execute("SET synchronous_commit = off")
    rnd = random.Random(seed)  # noqa: S311 - made-up data, reproducible by seed
    catalog = load_catalog()
    calendar = load_calendar()
    sizes = Sizes()
    loader = Loader(sizes)
    if not default_storage.exists(SAMPLE_PATH):
        default_storage.save(SAMPLE_PATH, ContentFile(SAMPLE_PDF))
    sample_sha = hashlib.sha256(SAMPLE_PDF).hexdigest()

    # Citizens.
    n_citizens = citizens if citizens is not None else max(10, int(cases * 0.32))
    first_n = User.objects.filter(username__startswith=CITIZEN_PREFIX).count()
    with transaction.atomic():
        people = _citizen_rows(loader, first_n, n_citizens, now)
        loader.flush()
    labels = dict(User.objects.filter(pk__in=_officer_ids(catalog)).values_list("pk", "username"))
    labels.update(people)
    demo_citizen = User.objects.filter(username="citizen").values_list("pk", flat=True).first()
    if demo_citizen:
        labels[demo_citizen] = "citizen"

    # When: received instants, sorted (case numbers follow the day), in office hours mostly.
    span = timedelta(days=365.25 * years)
    moments = sorted(_received(now, span, rnd) for _ in range(cases))
    sequences = {
        (r, d): last
        for r, d, last in CaseNumberSequence.objects.values_list("region_code", "day", "last")
    }
    progress = Progress(cases, sizes, progress_stream, quiet)
    demo_share = max(DEMO_CITIZEN_SHARE, min(0.05, 10 / cases))  # a few even in a small city
    opened = 0
    done = 0
    for batch in _newest_first(moments, chunk):
        with transaction.atomic():
            head = locked_chain_head(skip_locked=False)
            assert head is not None
            chain = _AuditChain(loader, head.seq, head.hash or "0" * 64, now)
            writer = _CaseWriter(loader, catalog, calendar, chain, now, sample_sha, labels)
            for received in batch:
                applicant = (
                    demo_citizen
                    if demo_citizen and rnd.random() < demo_share
                    else rnd.choice(people)[0]
                )
                version = rnd.choices(catalog.versions, catalog.weights)[0]
                region = catalog.region_of[version.pk]
                day = timezone.localdate(received)
                sequences[(region, day)] = number = sequences.get((region, day), 0) + 1
                opened += writer.case(
                    rnd, version, applicant, received, format_case_number(region, day, number)
                )
            loader.flush()
            head.seq, head.hash, head.sealed_at = chain.seq, chain.previous, now
            head.save(update_fields=["seq", "hash", "sealed_at"])
            _save_sequences(sequences, batch)
        done += len(batch)
        progress.show(done)
    progress.show(done, force=True)
    progress.end()
    with connection.cursor() as cursor:
        # Statistics for the planner, and (outside a transaction) the visibility map that
        # lets the queue's counts read their index only, as autovacuum would in time.
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    try:
        audit_signer_check()
    except ImproperlyConfigured:
        checkpoint = False  # verify-audit will say the entries wait for one
    else:
        try:
            checkpoint = audit_checkpoint_issue() is not None
        except AuditCheckpointRefused:
            checkpoint = False  # the checkpoint log belongs to another database
    return Report(
        cases=cases,
        citizens=n_citizens,
        open=opened,
        seconds=time.monotonic() - started,
        sizes=dict(sizes.rows),
        checkpoint=checkpoint,
    )


def _newest_first(moments: Sequence[datetime], chunk: int) -> Iterable[list[datetime]]:
    """``moments`` (sorted) in chunks of whole local days, the newest chunk first, each in
    order: a history cut short (or read while it loads) holds the recent cases, where the
    open ones are, and each day's numbers still follow the order of receipt."""
    end = len(moments)
    while end > 0:
        begin = max(end - chunk, 0)
        if begin > 0:
            day = timezone.localdate(moments[begin])
            while begin < end and timezone.localdate(moments[begin]) == day:
                begin += 1  # the chunk's first day goes whole into the next (older) chunk
            if begin == end:  # one day larger than a chunk: take it whole
                begin = max(end - chunk, 0)
                while begin > 0 and timezone.localdate(moments[begin - 1]) == day:
                    begin -= 1
        yield list(moments[begin:end])
        end = begin


def _officer_ids(catalog: Catalog) -> set[int]:
    return {pk for ids in catalog.any_officer.values() for pk in ids}


def _save_sequences(sequences: dict[tuple[str, date], int], batch: Sequence[datetime]) -> None:
    """Move each region's daily sequence past the numbers the chunk took (one statement)."""
    days = {timezone.localdate(m) for m in batch}
    rows = [(r, d, last) for (r, d), last in sequences.items() if d in days]
    table = connection.ops.quote_name(CaseNumberSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (region_code, day, last) VALUES (%s, %s, %s) "  # noqa: S608
            "ON CONFLICT (region_code, day) DO UPDATE SET last = GREATEST("
            f"{table}.last, EXCLUDED.last)",
            rows,
        )


def _received(now: datetime, span: timedelta, rnd: random.Random) -> datetime:
    """An instant in the span before ``now``: weekdays in office hours mostly (online
    applications come at any hour, some at the weekend)."""
    moment = timezone.localtime(now - span * rnd.random())
    if rnd.random() < 0.85:
        hour = rnd.uniform(8.5, 17.5)
        moment = moment.replace(hour=int(hour), minute=int(hour % 1 * 60), second=rnd.randrange(60))
        if moment > now:
            moment -= timedelta(days=1)
    return moment


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
            ["application", "case", "material", "file", "original_name", "content_type", "size",
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
            self.material(ids[CaseMaterial](), app_id, case_id, m.pk, SAMPLE_PATH,
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
                self.material(ids[CaseMaterial](), app_id, case_id, None, SAMPLE_PATH,
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


def summary(report: Report) -> Iterable[str]:
    yield (
        f"{report.cases:,} cases ({report.open:,} open) and {report.citizens:,} citizens "
        f"in {report.seconds:,.0f} s"
    )
    for table, n in sorted(report.sizes.items(), key=lambda kv: -kv[1]):
        yield f"  {table:<32} {n:>12,}"
    yield (
        "  audit checkpoint issued"
        if report.checkpoint
        else "  no audit checkpoint issued (no signing key, or the checkpoint log is another "
        "database's): verify-audit will say the entries wait for one"
    )
