"""S5: refuse NUL characters anywhere in an API request, naming the field.

Found by schemathesis: PostgreSQL text cannot hold NUL (``\\x00``), so a query such as
``/api/v1/catalog/models?q=%00`` failed with a server error. JSON allows it (``\\u0000``)
and so does pydantic; no real name, phone or note contains one. Checked once here for
every operation — query parameters, JSON bodies (at any depth) and the path — before
the API sees the request: 422 problem+json, code ``nul_character``.
"""

from __future__ import annotations

import json

from orderdesk.api.errors import problem_response
from orderdesk.core.errors import ValidationFailed

NUL = "\x00"


def _nul_in(value, path: str) -> str | None:
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return where.replace(NUL, "")
            found = _nul_in(item, where)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_in(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


def nul_field(request) -> str | None:
    """The first place in the request holding a NUL character, or None."""
    if NUL in request.path:
        return "path"
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in v for v in values):
            return key.replace(NUL, "") or "query"
    if request.method in {"POST", "PUT", "PATCH"} and request.content_type == "application/json":
        raw = request.body
        if b"\\u0000" in raw or b"\x00" in raw:
            try:
                return _nul_in(json.loads(raw), "") or None
            except ValueError:
                return "body" if b"\x00" in raw else None
    return None


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            field = nul_field(request)
            if field:
                return problem_response(
                    ValidationFailed(
                        f"{field}: NUL characters are not allowed.",
                        code="nul_character",
                        field=field,
                    )
                )
        return self.get_response(request)
