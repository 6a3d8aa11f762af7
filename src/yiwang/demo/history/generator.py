"""``generate_history``: citizens, then chunks of cases newest first, one transaction each,
with progress and the closing summary.
"""

from __future__ import annotations

import hashlib
import random
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from yiwang.cases.models import Case, CaseNumberSequence
from yiwang.cases.numbering import format_case_number
from yiwang.core.audit import AuditCheckpointRefused, audit_checkpoint_issue, audit_signer_check
from yiwang.core.audit.log import locked_chain_head
from yiwang.core.calendar import load_calendar
from yiwang.demo.history.base import (
    _GIVEN,
    _SURNAMES,
    CITIZEN_PREFIX,
    DEMO_CITIZEN_SHARE,
    SAMPLE_PATH,
    SAMPLE_PDF,
    HistoryRefused,
    Sizes,
)
from yiwang.demo.history.bulk import Ids, Loader
from yiwang.demo.history.case_writer import _CaseWriter
from yiwang.demo.history.catalog import Catalog, load_catalog
from yiwang.demo.history.chain import _AuditChain
from yiwang.identity.models import Citizen, Role, RoleAssignment, User
from yiwang.identity.validators import resident_id_check_character


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
