"""City events (一网统管, the 12345 hotline): categories, the dispatch directory, districts,
events and what happens to them, the knowledge base, IoT devices and Open311 API keys.

Rows are written only by ``yiwang.events.services``; reads that check who may
see what go through ``yiwang.events.selectors``. The rules are cited in
docs/events.md (GB/T 33358-2016, GB/T 39666-2020, 国办发〔2020〕53号,
国办函〔2025〕66号, 山东省政务服务热线管理办法).

The models live in submodules and every one is imported here (Django finds
them, and the migrations name them, as ``yiwang.events.models``): ``choices``
(statuses, channels, outcomes, the default limits), ``directory``
(categories, districts, the dispatch directory), ``knowledge`` (the knowledge
base), ``iot`` (devices, dead letters, alarm receipts), ``events`` (the
event), ``handling`` (assignments, the timeline, photos, extensions,
arbitration, supervision orders), ``rating_links`` and ``open311`` (API keys,
the intake queue).
"""

from yiwang.events.models.choices import (
    BAD_SATISFACTION,
    DEFAULT_EXTENSION_MAX_DAYS,
    DEFAULT_HANDLE_DAYS,
    DEFAULT_RETURN_WINDOW_DAYS,
    DEFAULT_SIGN_HOURS,
    OPEN_STATUSES,
    Card,
    Channel,
    Outcome,
    Satisfaction,
    Status,
    Urgency,
)
from yiwang.events.models.directory import (
    CallbackChannel,
    Category,
    DispatchDirectory,
    DispatchRule,
    District,
)
from yiwang.events.models.events import Event
from yiwang.events.models.handling import (
    Arbitration,
    Assignment,
    EventEntry,
    EventPhoto,
    ExtensionRequest,
    SupervisionOrder,
    photo_upload_to,
)
from yiwang.events.models.iot import AlarmReceipt, DeadLetter, Device
from yiwang.events.models.knowledge import KnowledgeArticle
from yiwang.events.models.open311 import ApiKey, IntakeRequest
from yiwang.events.models.rating_links import RatingLink

__all__ = [
    "BAD_SATISFACTION",
    "DEFAULT_EXTENSION_MAX_DAYS",
    "DEFAULT_HANDLE_DAYS",
    "DEFAULT_RETURN_WINDOW_DAYS",
    "DEFAULT_SIGN_HOURS",
    "OPEN_STATUSES",
    "AlarmReceipt",
    "ApiKey",
    "Arbitration",
    "Assignment",
    "CallbackChannel",
    "Card",
    "Category",
    "Channel",
    "DeadLetter",
    "Device",
    "DispatchDirectory",
    "DispatchRule",
    "District",
    "Event",
    "EventEntry",
    "EventPhoto",
    "ExtensionRequest",
    "IntakeRequest",
    "KnowledgeArticle",
    "Outcome",
    "RatingLink",
    "Satisfaction",
    "Status",
    "SupervisionOrder",
    "Urgency",
    "photo_upload_to",
]
