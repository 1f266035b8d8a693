"""The desk tools shared by several homes: quote calculator, serviceability
check and customer search.

Each answers an HTMX request with a fragment; a plain request (no JavaScript)
gets the same fragment inside a full page, so every form also works without
scripts. Refusals (``DomainError``) are shown beside the field they name.
"""

from __future__ import annotations

from collections import defaultdict

from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orderdesk.accounts.permissions import Perm, requires
from orderdesk.catalog.actions import active_variant, create_quote
from orderdesk.catalog.selectors import (
    device_type_by_key,
    questionnaire,
    search_models,
    serviceability,
)
from orderdesk.console import display
from orderdesk.console.wording import said
from orderdesk.core.errors import DomainError
from orderdesk.customers.selectors import search_customers
from orderdesk.customers.validators import clean_pincode

FORM_ERRORS = "form"  # errors on no field the form shows (templates cannot read "__all__")

# Why a pincode is not served, in the words an agent reads to the caller.
NOT_SERVICEABLE = {
    "pincode_not_serviceable": "We do not pick up at this pincode yet.",
    "device_not_serviceable": "We pick up in {city}, but not this device type at this pincode.",
}


def render_tool(
    request,
    template: str,
    context: dict,
    *,
    status: int = 200,
    title: str = "",
    page_template: str = "",
):
    """The fragment for HTMX; for a plain request, ``page_template`` (or the fragment) in a full page."""
    if request.headers.get("HX-Request") == "true":
        return TemplateResponse(request, template, context, status=status)
    page = {**context, "tool_template": page_template or template, "tool_title": title}
    return TemplateResponse(request, "console/tool_page.html", page, status=status)


def errors_by_field(exc: DomainError, shown_fields: set[str]) -> dict[str, list[str]]:
    """{field: [messages]}; errors on fields the form does not show go under ``form``."""
    errors: dict[str, list[str]] = defaultdict(list)
    for error in exc.errors:
        errors[error.field if error.field in shown_fields else FORM_ERRORS].append(said(error))
    return dict(errors)


def _parse_id(raw: str | None) -> int | None:
    try:
        return int(raw or "")
    except ValueError:
        return None


# --- Quote calculator --------------------------------------------------------


@require_GET
@requires(Perm.CONSOLE)
@requires(Perm.CATALOG_VIEW)
def quote_models(request):
    """Step 1: find the model being sold."""
    query = request.GET.get("q", "").strip()
    models = list(search_models(query, limit=20)) if query else []
    return render_tool(
        request,
        "console/partials/model_results.html",
        {"query": query, "models": models},
        title="Quote calculator",
        page_template="console/partials/quote_calculator.html",
    )


def _question_rows(questions, answers: dict[str, str], errors: dict[str, list[str]]) -> list[dict]:
    rows = []
    for question in questions:
        name = f"answers.{question.key}"
        rows.append(
            {
                "question": question,
                "name": name,
                "dom_id": f"q-{question.key}",
                "errors": errors.get(name, []),
                "options": [
                    {
                        "option": o,
                        "checked": answers.get(question.key) == o.key,
                        "dom_id": f"q-{question.key}-{o.key}",
                    }
                    for o in question.options.all()
                ],
            }
        )
    return rows


def _quote_form(request, *, variant, answers=None, pincode="", errors=None, quote=None, status=200):
    errors = errors or {}
    questions = questionnaire(variant.model.device_type)
    context = {
        "variant": variant,
        "rows": _question_rows(questions, answers or {}, errors),
        "pincode": pincode,
        "errors": errors,
        "quote": quote,
    }
    return render_tool(
        request,
        "console/partials/quote_form.html",
        context,
        status=status,
        title="Quote calculator",
    )


@require_GET
@requires(Perm.CONSOLE)
@requires(Perm.CATALOG_VIEW)
def quote_questions(request):
    """Step 2: the chosen variant's condition questions."""
    try:
        variant = active_variant(_parse_id(request.GET.get("variant_id")) or 0)
    except DomainError as exc:
        return render_tool(
            request,
            "console/partials/tool_error.html",
            {"message": said(exc)},
            status=exc.status,
            title="Quote calculator",
        )
    return _quote_form(request, variant=variant)


@require_POST
@requires(Perm.CONSOLE)
@requires(Perm.CATALOG_VIEW)
def quote_estimate(request):
    """Step 3: the server computes the estimate from the catalog (nobody types a price)."""
    try:
        variant = active_variant(_parse_id(request.POST.get("variant_id")) or 0)
    except DomainError as exc:
        return render_tool(
            request,
            "console/partials/tool_error.html",
            {"message": said(exc)},
            status=exc.status,
            title="Quote calculator",
        )
    questions = questionnaire(variant.model.device_type)
    answers = {q.key: request.POST.get(f"answers.{q.key}", "") for q in questions}
    pincode = request.POST.get("pincode", "").strip()
    try:
        quote = create_quote(
            variant_id=variant.pk, answers=answers, pincode=pincode, user=request.user
        )
    except DomainError as exc:
        shown = {"pincode"} | {f"answers.{q.key}" for q in questions}
        errors = errors_by_field(exc, shown)
        return _quote_form(
            request,
            variant=variant,
            answers=answers,
            pincode=pincode,
            errors=errors,
            status=exc.status,
        )
    return _quote_form(request, variant=variant, answers=answers, pincode=pincode, quote=quote)


# --- Serviceability -----------------------------------------------------------


@require_GET
@requires(Perm.CONSOLE)
@requires(Perm.SERVICE_AREAS_VIEW)
def serviceability_check(request):
    """M2: is this pincode served for this device type, and which slots are open?"""
    raw_pincode = request.GET.get("pincode", "").strip()
    device_type = request.GET.get("device_type", "").strip()
    context = {
        "pincode": raw_pincode,
        "device_type": device_type,
        "device_types": display.device_types(),
        "errors": {},
    }
    status = 200
    try:
        pincode = clean_pincode(raw_pincode)
        device_type_name = device_type_by_key(device_type).name if device_type else ""
        result = serviceability(pincode, device_type or None)
    except DomainError as exc:
        context["errors"] = errors_by_field(exc, {"pincode", "device_type"})
        status = exc.status
    else:
        reason = NOT_SERVICEABLE.get(result.reason or "", "")
        context.update(
            result=result,
            device_type_name=device_type_name,
            reason_text=reason.format(city=result.city) if reason else "",
        )
    return render_tool(
        request,
        "console/partials/serviceability.html",
        context,
        status=status,
        title="Serviceability check",
    )


# --- Customer search ------------------------------------------------------------


@require_http_methods(["GET"])
@requires(Perm.CONSOLE)
@requires(Perm.CUSTOMERS_VIEW)
def customer_search(request):
    """By phone (any format) or name; phones shown masked (S2)."""
    query = request.GET.get("q", "").strip()
    customers = list(search_customers(query)) if query else []
    return render_tool(
        request,
        "console/partials/customer_results.html",
        {"query": query, "customers": customers},
        title="Customer search",
        page_template="console/partials/customer_search.html",
    )
