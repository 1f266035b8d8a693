"""The console's own 403, 404 and 500 pages (issue 18): what happened and where to go.

Wired as Django's ``handler403``/``handler404``/``handler500`` in ``config/urls.py``. The API
(``/api/``) and anything that asks for JSON keep their problem+json answers; a person in a
browser gets a page. With DEBUG off (the demo runs gunicorn) a mistyped URL lands here instead
of Django's page listing every route.
"""

from __future__ import annotations

import logging

from django.http import HttpResponse
from django.template import loader
from django.template.response import TemplateResponse

from orderdesk.core.errors import DomainError, Forbidden, NotFound
from orderdesk.core.middleware import server_error as problem_server_error

logger = logging.getLogger(__name__)


def _wants_problem(request) -> bool:
    accept = request.headers.get("Accept", "")
    return request.path.startswith("/api/") or ("json" in accept and "text/html" not in accept)


def _problem(error: DomainError) -> HttpResponse:
    from django.http import JsonResponse

    return JsonResponse(
        error.problem(), status=error.status, content_type="application/problem+json"
    )


def page_not_found(request, exception=None):
    if _wants_problem(request):
        return _problem(NotFound("Nothing is served at this address.", code="not_found"))
    return TemplateResponse(
        request, "console/errors/404.html", {"path": request.path[:200]}, status=404
    ).render()


def permission_denied(request, exception=None):
    if _wants_problem(request):
        return _problem(Forbidden("Your role may not use this.", code="forbidden"))
    return TemplateResponse(request, "console/errors/403.html", {}, status=403).render()


def server_error(request, *args, **kwargs):
    """A page that needs no database and no signed-in user (either may be what failed)."""
    if _wants_problem(request):
        return problem_server_error(request, *args, **kwargs)
    response = problem_server_error(request, *args, **kwargs)
    if response.status_code == 503:  # the database is down: the problem+json 503 stays
        return response
    try:
        html = loader.get_template("console/errors/500.html").render({})
    except Exception:  # pragma: no cover - a broken template must not hide the error page
        logger.exception("the 500 page could not be rendered")
        html = "<h1>Something went wrong on our side</h1>"
    return HttpResponse(html, status=500)
