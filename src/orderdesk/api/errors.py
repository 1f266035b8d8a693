"""Every API error is one shape: RFC 9457 problem+json (SPEC §11, S5)."""

from __future__ import annotations

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from orderdesk.core.errors import (
    DomainError,
    FieldError,
    Forbidden,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_response(error: DomainError) -> JsonResponse:
    response = JsonResponse(error.problem(), status=error.status, content_type=PROBLEM_CONTENT_TYPE)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="orderdesk"'
    if getattr(error, "retry_after", None):
        response["Retry-After"] = str(error.retry_after)  # a throttle's 429 (core/throttle.py)
    return response


def _field_of(loc: list | tuple) -> str:
    parts = [str(p) for p in loc]
    # ninja locates body fields as ("body", "<param name>", field, …)
    if parts and parts[0] in {"body", "query", "path", "header", "form"}:
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in {"payload", "data", "body", "params", "filters"}:
            parts = parts[1:]
    return ".".join(parts) or "body"


PYDANTIC_CODES = {
    "missing": "required",
    "string_too_short": "too_short",
    "string_too_long": "too_long",
    "int_parsing": "not_an_integer",
    "int_type": "not_an_integer",
    "bool_parsing": "not_a_boolean",
    "bool_type": "not_a_boolean",
    "literal_error": "not_allowed",
    "enum": "not_allowed",
    "greater_than": "too_small",
    "greater_than_equal": "too_small",
    "less_than": "too_large",
    "less_than_equal": "too_large",
    "extra_forbidden": "unknown_field",
    "date_from_datetime_parsing": "not_a_date",
    "date_parsing": "not_a_date",
    "datetime_parsing": "not_a_datetime",
    "datetime_from_date_parsing": "not_a_datetime",
    "uuid_parsing": "not_a_uuid",
    "json_invalid": "invalid_json",
    "model_attributes_type": "not_an_object",
    "dict_type": "not_an_object",
    "string_type": "not_a_string",
    "value_error": "invalid",
}


def validation_problem(exc: NinjaValidationError) -> JsonResponse:
    errors = []
    for err in exc.errors:
        kind = err.get("type", "invalid")
        message = err.get("msg", "Invalid value.")
        ctx = err.get("ctx") or {}
        code = (
            ctx.get("code") if isinstance(ctx.get("code"), str) else PYDANTIC_CODES.get(kind, kind)
        )
        errors.append(FieldError(_field_of(err.get("loc", ())), code, message))
    if not errors:
        errors = [FieldError("body", "invalid", "The request body is not valid.")]
    first = errors[0]
    return problem_response(ValidationFailed.collect(errors, f"{first.field}: {first.message}"))


def install(api) -> None:
    @api.exception_handler(DomainError)
    def on_domain_error(request, exc: DomainError):
        return problem_response(exc)

    @api.exception_handler(NinjaValidationError)
    def on_validation_error(request, exc: NinjaValidationError):
        return validation_problem(exc)

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request, exc):
        return problem_response(
            Unauthenticated(
                "Send a valid token as 'Authorization: Bearer <token>' (POST /api/v1/auth/token gives one).",
                code="not_authenticated",
                field="Authorization",
            )
        )

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return problem_response(NotFound(str(exc) or "Not found.", code="not_found"))

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        if exc.status_code == 403:
            return problem_response(Forbidden(str(exc), code="forbidden"))
        return problem_response(DomainError(str(exc), code="http_error", status=exc.status_code))

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def on_database_unavailable(request, exc):
        logger.warning("database unavailable: %s", exc)
        return problem_response(
            DomainError(
                "The database is unavailable; try again shortly.",
                code="service_unavailable",
                status=503,
            )
        )

    @api.exception_handler(DatabaseError)
    def on_database_error(request, exc):
        logger.exception("database error")
        return problem_response(
            DomainError("The request could not be stored.", code="database_error", status=500)
        )

    @api.exception_handler(Exception)
    def on_unexpected(request, exc):
        logger.exception("unhandled API error")
        return problem_response(
            DomainError("Something went wrong on our side.", code="server_error", status=500)
        )
