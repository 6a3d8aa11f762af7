from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "yiwang.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from yiwang.core import checks  # noqa: F401  (registers the system checks)
        from yiwang.core.audit import audit_sequence_relay
        from yiwang.core.jobs import register_relay

        register_relay("core.audit_sequence", audit_sequence_relay)
