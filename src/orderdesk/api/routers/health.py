from django.db import connection
from ninja import Router, Schema, Status

router = Router(tags=["health"])


class Health(Schema):
    status: str
    database: str


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
