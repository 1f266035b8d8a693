"""S5: hostile input refused at the door, for every path (the API, the console, the public
CSAT page, the admin) — issue 21 finding 9.

1. NUL characters. Found by schemathesis: PostgreSQL text cannot hold NUL (``\\x00``), so a
   query such as ``/api/v1/catalog/models?q=%00`` failed with a server error; the console's
   searches, the CSAT page and ticket text did the same. JSON allows it (``\\u0000``) and so
   do pydantic and Django's forms; no real name, phone or note contains one. Checked once
   here — the path, query parameters, form fields and JSON bodies (at any depth) — before any
   view: 422 problem+json ``nul_character`` on the API, a 400 page elsewhere.
2. Path ids beyond any database integer (``/console/leads/99999999999999999999/``): 404, as
   for any id that names nothing (``core.bounds.MAX_ID``), instead of an ``OverflowError``.
"""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse, JsonResponse

from orderdesk.core.bounds import MAX_ID
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
    if request.method in {"POST", "PUT", "PATCH"} and request.content_type in {
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    }:
        for key, values in request.POST.lists():
            if NUL in key or any(NUL in v for v in values):
                return key.replace(NUL, "") or "form"
    if request.method in {"POST", "PUT", "PATCH"} and request.content_type == "application/json":
        raw = request.body
        if b"\\u0000" in raw or b"\x00" in raw:
            try:
                return _nul_in(json.loads(raw), "") or None
            except ValueError:
                return "body" if b"\x00" in raw else None
    return None


class RejectHostileInputMiddleware:
    """NUL anywhere in the request: refused before any view. Integer path ids beyond
    ``MAX_ID``: 404 (``process_view``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = nul_field(request)
        if field:
            error = ValidationFailed(
                f"{field}: NUL characters are not allowed.", code="nul_character", field=field
            )
            if request.path.startswith("/api/"):
                return JsonResponse(
                    error.problem(), status=error.status, content_type="application/problem+json"
                )
            return HttpResponse(
                f"Bad request: {error.message}", status=400, content_type="text/plain"
            )
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and abs(value) > MAX_ID:
                raise Http404("No such record.")
        return None
