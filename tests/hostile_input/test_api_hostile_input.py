"""S5: schemathesis throws generated, often hostile, input at every /api/v1 operation.

Each operation is called as the role that uses it (a bearer token from
``POST /api/v1/auth/token``), with up to ``SCHEMATHESIS_MAX_EXAMPLES`` (default 40)
valid-by-the-schema examples and as many invalid ones. Two checks: no server error (5xx) and the response conforms to the
OpenAPI document (status code documented, body matches its schema). The run
prints its figures — operations, examples, failures — and fails on any failure.
"""

from __future__ import annotations

import os
import time

import hypothesis
import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from orderdesk.testing.factories import PASSWORD

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db(transaction=True)]

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "40"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

# Who calls each operation: the roles whose work it is (SPEC §1, §11); each gets its own run.
# Public operations send no token.
ROLES_BY_OPERATION = {
    "GET /api/v1/followups/missed": ("supervisor",),
    "GET /api/v1/kpis": ("supervisor",),
    "POST /api/v1/orders": ("sales", "app"),  # agents' orders and the customer app's own
    "GET /api/v1/orders": ("sales", "app"),  # the app: one proved phone (issue 21, 10)
    "POST /api/v1/phone-codes": ("app",),
    "GET /api/v1/orders/{number}": ("sales", "vendor"),
    "POST /api/v1/orders/{number}/transitions": ("ops", "vendor"),
    "POST /api/v1/orders/{number}/price-acceptance": ("ops",),
    "GET /api/v1/orders/{number}/history": ("ops",),
    "GET /api/v1/orders/{number}/messages": ("ops",),
    "POST /api/v1/tickets": ("cx",),
    "GET /api/v1/tickets": ("cx",),
    "GET /api/v1/tickets/{ticket_id}": ("cx",),
    "POST /api/v1/tickets/{ticket_id}/actions": ("cx",),
    "POST /api/v1/csat/replies": ("cx",),
}
DEFAULT_ROLES = ("sales",)  # customers, leads, follow-ups, dispositions, me
# Revokes the token it is sent with: each example gets a fresh one, so that the role's shared
# token stays good for the operations after it.
SELF_REVOKING = {"DELETE /api/v1/auth/token"}


def _token(username: str) -> str:
    response = Client().post(
        "/api/v1/auth/token",
        data={"username": username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_s5_every_operation_survives_generated_input(cast, catalog, capsys):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    roles = {r for rs in ROLES_BY_OPERATION.values() for r in rs} | set(DEFAULT_ROLES)
    tokens = {role: _token(cast[role].username) for role in sorted(roles)}
    figures = {
        "operations": 0,
        "runs": 0,
        "examples": 0,
        "failures": 0,
        "without_negative_cases": 0,
    }
    failures: list[str] = []
    statuses: dict[str, int] = {}
    started = time.monotonic()

    def fuzz(operation, role, headers, mode):
        seen: set[str] = set()

        @hypothesis.settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )
        @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
        def run(case):
            figures["examples"] += 1
            sent = headers
            if role is not None and operation.label in SELF_REVOKING:
                sent = {"Authorization": f"Bearer {_token(cast[role].username)}"}
            response = case.call(headers=sent)
            statuses[f"{response.status_code // 100}xx"] = (
                statuses.get(f"{response.status_code // 100}xx", 0) + 1
            )
            try:
                case.validate_response(response, checks=CHECKS)
            except (FailureGroup, Exception) as exc:  # one line per distinct failure; go on
                found = exc.exceptions if isinstance(exc, FailureGroup) else [exc]
                for failure in found:
                    title = getattr(failure, "title", type(failure).__name__)
                    line = (
                        f"{operation.label} as {role or 'anonymous'} [{mode.value}] "
                        f"{response.status_code}: {title}"
                    )
                    if line not in seen:
                        seen.add(line)
                        failures.append(f"{line}\n    {case.as_curl_command()}")
                figures["failures"] += 1

        try:
            run()
        except hypothesis.errors.Unsatisfiable:
            # No invalid input exists (e.g. GET /health takes no parameters): nothing to send.
            figures["without_negative_cases"] += 1

    for result in schema.get_all_operations():
        operation = result.ok()
        figures["operations"] += 1
        public = not operation.definition.raw.get("security", True)
        for role in (None,) if public else ROLES_BY_OPERATION.get(operation.label, DEFAULT_ROLES):
            figures["runs"] += 1
            headers = {} if role is None else {"Authorization": f"Bearer {tokens[role]}"}
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                fuzz(operation, role, headers, mode)

    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\nschemathesis: operations: {figures['operations']} "
            f"({figures['runs']} operation-role runs), "
            f"examples: {figures['examples']}, failures: {figures['failures']} "
            f"({MAX_EXAMPLES} positive and {MAX_EXAMPLES} negative examples per operation at "
            f"most, {elapsed:.0f} s; {figures['without_negative_cases']} run(s) "
            "take no input that could be invalid); responses: "
            + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))
        )
        for line in failures:
            print("  " + line)
    assert figures["failures"] == 0, "\n".join(failures)
