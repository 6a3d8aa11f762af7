from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "yiwang.events"
    label = "events"
    verbose_name = _("City events (12345)")

    def ready(self) -> None:
        # The scheduler's round turns sign-for and handling cards yellow and red.
        from yiwang.core.jobs import register_periodic
        from yiwang.events import tasks

        register_periodic("events.cards", tasks.cards_round)
        # … and registers the Open311 requests the intake workers have not taken yet.
        register_periodic("events.open311_intake", tasks.open311_intake_round)
