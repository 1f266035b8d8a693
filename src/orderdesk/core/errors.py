"""Domain errors with stable codes.

Every refusal in orderdesk is a ``DomainError`` (or a subclass) carrying a
stable ``code`` (``consent_missing``, ``followup_limit``…) and the ``field`` it
concerns. The API renders it as RFC 9457 problem+json; the console shows the
message beside the field. Codes are part of the API contract: never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import JsonResponse


@dataclass(frozen=True)
class FieldError:
    field: str | None
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"field": self.field, "code": self.code, "message": self.message}


class DomainError(Exception):
    """A request the rules refuse. Nothing has been changed when it is raised."""

    status = 400
    title = "Request refused"
    default_code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        errors: list[FieldError] | None = None,
        status: int | None = None,
        extra: dict | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.field = field
        self.errors = errors or [FieldError(field, self.code, message)]
        if status is not None:
            self.status = status
        self.extra = extra or {}

    @classmethod
    def collect(cls, errors: list[FieldError], message: str | None = None) -> DomainError:
        """One error that reports several failed checks at once (the first one leads)."""
        first = errors[0]
        return cls(message or first.message, code=first.code, field=first.field, errors=errors)

    def problem(self) -> dict:
        """The RFC 9457 problem-details body. ``extra`` adds members but never replaces
        one RFC 9457 defines (``status`` stays the integer HTTP status: a domain status
        goes in ``order_status``, ``ticket_status``...); a clash is a programming error."""
        clash = RFC9457_MEMBERS.intersection(self.extra)
        assert not clash, f"problem extra may not replace RFC 9457 members: {sorted(clash)}"
        body = {
            "type": f"urn:orderdesk:problem:{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.message,
            "code": self.code,
            "errors": [e.as_dict() for e in self.errors],
        }
        body.update(self.extra)
        return body


RFC9457_MEMBERS = frozenset({"type", "title", "status", "detail", "instance", "code", "errors"})


class ValidationFailed(DomainError):
    status = 422
    title = "Invalid input"
    default_code = "invalid"


class NotFound(DomainError):
    status = 404
    title = "Not found"
    default_code = "not_found"


class Conflict(DomainError):
    status = 409
    title = "Conflict with the current state"
    default_code = "conflict"


class Forbidden(DomainError):
    status = 403
    title = "Not allowed for your role"
    default_code = "forbidden"


class Unauthenticated(DomainError):
    status = 401
    title = "Authentication required"
    default_code = "not_authenticated"


PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_response(error: DomainError) -> JsonResponse:
    response = JsonResponse(error.problem(), status=error.status, content_type=PROBLEM_CONTENT_TYPE)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="orderdesk"'
    if getattr(error, "retry_after", None):
        response["Retry-After"] = str(error.retry_after)  # a throttle's 429 (core/throttle.py)
    return response
