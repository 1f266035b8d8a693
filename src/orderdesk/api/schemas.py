"""Shared API schemas (problem details)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field

from orderdesk.core.timeutil import IST


def _in_utc(value: dt.datetime) -> dt.datetime:
    """Naive means IST; every input time is turned to UTC before it reaches the database.

    S5 (found by schemathesis): ISO 8601 allows offsets up to ±23:59 and PostgreSQL takes
    only ±15:59, so ``…T10:00-21:35`` failed with a server error instead of a clear answer.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=IST)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("The time is out of range.") from None


ApiDateTime = Annotated[dt.datetime, AfterValidator(_in_utc)]


class InputSchema(Schema):
    """A request body: unknown fields are refused, never ignored (a client cannot send a price)."""

    model_config = ConfigDict(extra="forbid")


PROBLEM_CODE_HELP = "A stable problem code: one of the codes listed in the API description."


class ProblemField(Schema):
    field: str | None
    code: str = Field(description=PROBLEM_CODE_HELP)
    message: str


class Problem(Schema):
    """RFC 9457 problem details; ``code`` and each ``errors[].code`` are stable rule codes."""

    type: str
    title: str
    status: int
    detail: str
    code: str = Field(description=PROBLEM_CODE_HELP)
    errors: list[ProblemField]


# The error responses every authenticated endpoint can give.
AUTH_ERRORS = {401: Problem, 403: Problem}
INPUT_ERRORS = {400: Problem, 422: Problem}
