"""Every read of the events app that checks who may see what (STYLE.md).

Permissions (issue 10): a department sees only its events (lead or
supporting); a district sees its district (the supervisors of a district-level
department); operators see what they registered and the centre's queues;
supervisors of the centre see everything; citizens only their own reports.
Phone numbers and names are masked to handlers unless the category needs
contact (``event_reporter_view``).
"""

from __future__ import annotations

from yiwang.events.selectors.access import (
    event_get_for_citizen,
    event_get_visible,
    event_history_in_full,
    event_reporter_view,
    event_visible_to,
    events_for_citizen,
    events_for_handler,
    events_for_operator,
    events_for_supervisor,
    events_visible_to,
)
from yiwang.events.selectors.lookups import (
    DirectoryRules,
    api_key_for,
    articles_search,
    cards_by_department,
    categories_leaves,
    category_leaf,
    department_active,
    department_record,
    directory_current,
    directory_rules,
    dispatch_rule_for,
    district_for_point,
    districts_for_points,
    duplicates_for,
    event_photo,
    event_photos,
    event_timeline,
    rating_link_for_token,
    reporter_history,
)

__all__ = [
    "DirectoryRules",
    "api_key_for",
    "articles_search",
    "cards_by_department",
    "categories_leaves",
    "category_leaf",
    "department_active",
    "department_record",
    "directory_current",
    "directory_rules",
    "dispatch_rule_for",
    "district_for_point",
    "districts_for_points",
    "duplicates_for",
    "event_get_for_citizen",
    "event_get_visible",
    "event_history_in_full",
    "event_photo",
    "event_photos",
    "event_reporter_view",
    "event_timeline",
    "event_visible_to",
    "events_for_citizen",
    "events_for_handler",
    "events_for_operator",
    "events_for_supervisor",
    "events_visible_to",
    "rating_link_for_token",
    "reporter_history",
]
