"""GET /api/v1/ready: 200 when the database answers and migrations are applied."""

from django.test import Client

from orderdesk.api.routers import health


def test_ready_when_the_database_answers_and_migrations_are_applied(db):
    response = Client().get("/api/v1/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok"}


def test_not_ready_while_migrations_are_pending(db, monkeypatch):
    monkeypatch.setattr(health, "_migrations_complete", False)
    monkeypatch.setattr(health.MigrationExecutor, "migration_plan", lambda self, targets: [1, 2])
    response = Client().get("/api/v1/ready")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "migrations_pending"
    assert "2 migrations" in body["detail"]
