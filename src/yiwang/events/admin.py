"""Admin of the events app."""

from yiwang.events.open311 import admin as open311_admin  # noqa: F401  (Open311 API keys)
