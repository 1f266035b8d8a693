"""Shared API schemas (problem details)."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict


class InputSchema(Schema):
    """A request body: unknown fields are refused, never ignored (a client cannot send a price)."""

    model_config = ConfigDict(extra="forbid")


class ProblemField(Schema):
    field: str | None
    code: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details; ``code`` and each ``errors[].code`` are stable rule codes."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[ProblemField]


# The error responses every authenticated endpoint can give.
AUTH_ERRORS = {401: Problem, 403: Problem}
INPUT_ERRORS = {400: Problem, 422: Problem}
