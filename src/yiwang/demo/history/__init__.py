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

The package: ``base`` (the generator's constants, sizes and refusal),
``paths`` (the scripted paths a case takes), ``catalog`` (the services and
officers it runs on), ``bulk`` (COPY and reserved ids), ``chain`` (file
content and the audit chain carried along), ``case_writer`` (one chunk's
cases, as rows) and ``generator`` (``generate_history`` and its summary).
"""

from yiwang.demo.history.base import (
    CITIZEN_PREFIX,
    DEMO_CITIZEN_SHARE,
    SAMPLE_PATH,
    SAMPLE_PDF,
    WORKFLOWS,
    HistoryRefused,
    Sizes,
)
from yiwang.demo.history.bulk import Ids, Loader, reserve_ids
from yiwang.demo.history.catalog import Catalog, load_catalog, officers_ensure
from yiwang.demo.history.generator import Progress, Report, generate_history, summary
from yiwang.demo.history.paths import Step

__all__ = [
    "CITIZEN_PREFIX",
    "DEMO_CITIZEN_SHARE",
    "SAMPLE_PATH",
    "SAMPLE_PDF",
    "WORKFLOWS",
    "Catalog",
    "HistoryRefused",
    "Ids",
    "Loader",
    "Progress",
    "Report",
    "Sizes",
    "Step",
    "generate_history",
    "load_catalog",
    "officers_ensure",
    "reserve_ids",
    "summary",
]
