"""Administration of the events app."""

from yiwang.events import admin_iot  # noqa: F401  (devices, dead letters, alarm receipts)
