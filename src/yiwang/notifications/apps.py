from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "yiwang.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Cross-cutting hook: the cases services announce ``case.notify``; see receivers.py.
        from yiwang.notifications import receivers

        receivers.connect()
