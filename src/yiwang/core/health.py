"""Liveness and readiness probes for load balancers and orchestrators."""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from yiwang.core.calendar import schedule_missing_years


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Touches nothing else."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers and every migration is applied.

    Answers 200 with ``warnings`` (e.g. ``calendar``: a holiday schedule is
    missing) when something needs an operator but the service can run.
    """
    checks: dict[str, str] = {}
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means "not ready"
        checks["database"] = f"error: {exc.__class__.__name__}"
        return JsonResponse({"status": "unavailable", "checks": checks}, status=503)
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        checks["migrations"] = f"{len(pending)} pending"
        return JsonResponse({"status": "unavailable", "checks": checks}, status=503)
    checks["migrations"] = "ok"
    body: dict[str, object] = {"status": "ok", "checks": checks}
    warnings = _warnings()
    if warnings:
        body["warnings"] = warnings  # still ready: nothing here stops the service
    return JsonResponse(body)


def _warnings() -> dict[str, str]:
    """What an operator should see to, without the service being unavailable."""
    missing = schedule_missing_years()
    if not missing:
        return {}
    years = ", ".join(map(str, missing))
    return {
        "calendar": (
            f"no holiday schedule entered for {years}: deadlines through it are provisional "
            "(counted on its statutory holidays); enter it in the admin (Core › Calendar years)"
        )
    }
