from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "yiwang.integrations"
    label = "integrations"
    verbose_name = _("Integrations (API tokens, webhooks)")

    def ready(self) -> None:
        # Cross-cutting hook: every case timeline entry the cases services announce
        # (inside their transaction) becomes a webhook event; see receivers.py.
        from yiwang.core.jobs import register_periodic
        from yiwang.integrations import receivers

        receivers.connect()
        register_periodic("integrations.webhooks", receivers.webhooks_round)
