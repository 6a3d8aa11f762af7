"""Every write to the service catalog: create items, edit drafts, publish versions.

A version is a draft until ``service_version_publish`` freezes it; to change a
published service, ``service_version_create_draft`` copies the current version
into a new draft, which is edited and published in turn. Each function is
transactional and appends an audit entry.

The functions live in submodules; import them from here: ``form_schemas``
(a form schema's order and what is wrong with it), ``publishing`` (the checks
publishing runs, and publishing), ``drafts`` (new drafts and their edits),
``parts`` (a draft's materials and fees) and ``items`` (service items).
"""

from yiwang.catalog.services.drafts import (
    VERSION_COPY_FIELDS,
    service_version_add,
    service_version_create_draft,
    service_version_update_draft,
)
from yiwang.catalog.services.form_schemas import (
    form_schema_errors,
    form_schema_language_errors,
    form_schema_with_order,
)
from yiwang.catalog.services.items import service_item_create, service_item_save
from yiwang.catalog.services.parts import service_version_parts_save, service_version_set_parts
from yiwang.catalog.services.publishing import (
    guide_contradictions,
    service_version_publish,
    service_version_validate,
    steps_errors,
    workflow_overrides_errors,
)

__all__ = [
    "VERSION_COPY_FIELDS",
    "form_schema_errors",
    "form_schema_language_errors",
    "form_schema_with_order",
    "guide_contradictions",
    "service_item_create",
    "service_item_save",
    "service_version_add",
    "service_version_create_draft",
    "service_version_parts_save",
    "service_version_publish",
    "service_version_set_parts",
    "service_version_update_draft",
    "service_version_validate",
    "steps_errors",
    "workflow_overrides_errors",
]
