"""Catalog administration for catalog administrators (not developers).

Drafts are edited with their materials and fees inline; "Save and publish"
and the "Publish" action freeze a draft through ``service_version_publish``,
whose validation errors are shown one per line. Published versions are
read-only; "Create a new draft" copies one to edit.

The JSON fields (form schema, process steps, workflow overrides) are shown
pretty-printed and checked on every save by the same functions publishing
uses (``services.form_schema_errors``, ``steps_errors``,
``workflow_overrides_errors``), the error on the field; a JSON syntax error
says its line and column. The change page previews the application form and
the steps as the portal renders them (``preview_view``, framed). The application form's
fields can also be edited as rows (name, labels, type, required, options: the structured
editor, ``catalog.form_fields``); the schema they make is checked the same way.

The package: ``reference`` (topics, certificate types), ``inlines`` (a draft's
materials and fees), ``version_forms`` (the version's change form, its JSON
fields and the form-field rows), ``versions`` (the version admin: publish, new
draft, preview) and ``items`` (service items with their versions). Importing
the package registers every admin.
"""

from yiwang.catalog.admin.inlines import FeeInline, MaterialForm, MaterialInline
from yiwang.catalog.admin.items import ServiceItemAdmin, VersionLinkInline
from yiwang.catalog.admin.reference import CertificateTypeAdmin, TopicAdmin
from yiwang.catalog.admin.version_forms import (
    FORM_EDITOR,
    BaseSchemaFieldFormSet,
    PrettyJSONField,
    SchemaFieldForm,
    SchemaFieldFormSet,
    ServiceVersionForm,
)
from yiwang.catalog.admin.versions import ServiceVersionAdmin

__all__ = [
    "FORM_EDITOR",
    "BaseSchemaFieldFormSet",
    "CertificateTypeAdmin",
    "FeeInline",
    "MaterialForm",
    "MaterialInline",
    "PrettyJSONField",
    "SchemaFieldForm",
    "SchemaFieldFormSet",
    "ServiceItemAdmin",
    "ServiceVersionAdmin",
    "ServiceVersionForm",
    "TopicAdmin",
    "VersionLinkInline",
]
