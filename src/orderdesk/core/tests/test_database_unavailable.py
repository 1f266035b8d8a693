"""While the database is unreachable every request answers 503 problem+json, never a
500 page. A fresh process points at a closed loopback port: a real connection refusal,
not a mock."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

from django.db import OperationalError
from django.test import RequestFactory

from orderdesk.core.middleware import server_error

PROBE = r"""
import json, os, django
django.setup()
from django.test import Client

client = Client(raise_request_exception=False)
client.cookies["sessionid"] = "a-session-the-database-would-have-to-look-up"
bearer = {"Authorization": "Bearer od_a-token-the-database-would-have-to-look-up"}
order = {"variant_id": 1, "answers": {}, "customer": {"name": "A", "phone": "+919876543210"}}
calls = {
    "health": client.get("/api/v1/health"),
    "ready": client.get("/api/v1/ready"),
    "token": client.post("/api/v1/auth/token", {"username": "u", "password": "p"},
                         content_type="application/json"),
    "create_order": client.post("/api/v1/orders", order, content_type="application/json",
                                headers=bearer),
    "console_home": client.get("/console/"),
    "console_login": client.post("/console/login/", {"username": "u", "password": "p"}),
    "admin": client.get("/admin/"),
}
print(json.dumps({
    name: {"status": r.status_code, "type": r["Content-Type"], "body": r.content.decode()}
    for name, r in calls.items()
}))
"""


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nothing listens


def run_probe() -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port()}/gone",
        "DB_CONNECT_TIMEOUT": "2",
        "DEBUG": "0",
        "LOG_LEVEL": "CRITICAL",
        "DJANGO_SETTINGS_MODULE": "orderdesk.config.settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_every_door_answers_503_problem_json_while_the_database_is_unreachable():
    results = run_probe()

    # Liveness keeps the SPEC's shape, and says the database is down.
    assert results["health"]["status"] == 503
    assert json.loads(results["health"]["body"]) == {
        "status": "degraded",
        "database": "unavailable",
    }
    for name in ("ready", "token", "create_order", "console_home", "console_login", "admin"):
        result = results[name]
        assert result["status"] == 503, (name, result)
        assert result["type"] == "application/problem+json", (name, result)
        body = json.loads(result["body"])
        assert body["status"] == 503
        assert body["code"] == "service_unavailable"
        assert body["errors"][0]["code"] == "service_unavailable"


def test_server_error_handler_turns_a_database_error_outside_views_into_503():
    request = RequestFactory().get("/console/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "5"
    assert json.loads(response.content)["code"] == "service_unavailable"


def test_server_error_handler_answers_other_errors_with_a_500_problem():
    request = RequestFactory().get("/console/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert json.loads(response.content)["code"] == "server_error"
