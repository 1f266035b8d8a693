from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from ninja import Router, Schema, Status

from orderdesk.core.errors import DomainError

router = Router(tags=["health"])


class Health(Schema):
    status: str
    database: str


class Ready(Schema):
    status: str
    database: str
    migrations: str


@router.get(
    "/health", response={200: Health, 503: Health}, auth=None, summary="Liveness and database check"
)
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure to reach the database means "not ready"
        return Status(503, {"status": "degraded", "database": "unavailable"})
    return Status(200, {"status": "ok", "database": "ok"})


_migrations_complete = False  # once true in a process it stays true: migrations only go forward


def _pending_migrations() -> int:
    global _migrations_complete
    if _migrations_complete:
        return 0
    executor = MigrationExecutor(connection)
    pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    _migrations_complete = pending == 0
    return pending


@router.get(
    "/ready",
    response={200: Ready},
    auth=None,
    summary="Readiness: the database answers and every migration is applied",
    description=(
        "For a load balancer or orchestrator: 200 when this process can serve; otherwise "
        "503 problem+json (`service_unavailable` while the database is unreachable, "
        "`migrations_pending` before `orderdesk migrate` has run)."
    ),
)
def ready(request):
    # A database error here reaches the API's handler: 503 problem+json (api/errors.py).
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    pending = _pending_migrations()
    if pending:
        raise DomainError(
            f"{pending} migrations are not applied yet; run 'orderdesk migrate'.",
            code="migrations_pending",
            status=503,
        )
    return {"status": "ok", "database": "ok", "migrations": "ok"}
