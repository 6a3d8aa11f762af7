from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "yiwang.identity"
    label = "identity"
    verbose_name = _("Identity and departments")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from yiwang.core.jobs import register_periodic
        from yiwang.identity import checks, receivers  # noqa: F401  (checks register)

        register_periodic("identity.purge", receivers.purge_round)
        user_logged_in.connect(receivers.logged_in, dispatch_uid="identity.logged_in")
        post_migrate.connect(receivers.sync_role_groups, dispatch_uid="identity.sync_role_groups")
