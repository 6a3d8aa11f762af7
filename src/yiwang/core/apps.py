from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "yiwang.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from yiwang.core import checks  # noqa: F401  (registers the system checks)
        from yiwang.core.audit import audit_sequence_relay
        from yiwang.core.jobs import register_relay
        from yiwang.core.pgarrays import on_connection_created

        register_relay("core.audit_sequence", audit_sequence_relay)
        connection_created.connect(on_connection_created, dispatch_uid="yiwang.core.pgarrays")
