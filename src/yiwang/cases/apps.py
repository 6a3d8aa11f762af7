from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "yiwang.cases"
    label = "cases"
    verbose_name = _("Applications and cases")

    def ready(self) -> None:
        # Cross-cutting hook: an edit of the holiday calendar (core) reschedules the
        # deadlines counted through the years it touched; see receivers.py.
        from django.core.checks import register

        from yiwang.cases import receivers
        from yiwang.cases.notices import check_notice_font
        from yiwang.core.jobs import register_periodic, register_relay

        register(check_notice_font, "yiwang_notices")

        receivers.connect()
        register_periodic("cases.deadlines", receivers.deadlines_round)
        register_relay("cases.fan_out", receivers.fan_out_round)
