"""The customer's own door: thin views over ``storefront.actions`` (no login).

The sale is a short series of server-rendered pages whose progress lives in the
visitor's session (``request.session["sf"]``): device → condition → estimate and phone →
code → pincode → slot, address and payment → review and consent → order number. The
tracking link (``/t/<token>/``) is the credential for one order; its GET changes nothing
(link previews and scanners open it), its forms POST one lifecycle action each.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from orderdesk.storefront import actions, selectors
from orderdesk.storefront.domains import (
    CustomerActor,
    DomainError,
    OrderRequest,
    OrderStatus,
    PaymentMethod,
    PickupSlot,
    Quote,
    ValidationFailed,
    Variant,
    create_quote,
    format_inr,
    gate_problems,
    lifecycle,
    mask_phone,
    mask_tail,
    mask_upi,
    normalise_phone,
    order_actions,
    order_rules,
    questionnaire,
    read_tracking_token,
    serviceability,
)
from orderdesk.storefront.models import PhoneVerification, WebQuote
from orderdesk.storefront.rules import looks_like_a_bot
from orderdesk.storefront.text import LANGUAGES, error_text, status_words, text_for

HONEYPOT = "website"  # a field people never see (hidden by CSS and from assistive tech)


# --- helpers -----------------------------------------------------------------------------


def _lang(request, default: str = "en") -> str:
    chosen = request.GET.get("lang")
    if chosen in LANGUAGES:
        request.session["sf_lang"] = chosen
    return request.session.get("sf_lang", default)


def _state(request) -> dict:
    return request.session.setdefault("sf", {})


def _save(request) -> None:
    request.session.modified = True


def _page(request, template: str, context: dict, *, status: int = 200, lang: str | None = None):
    lang = lang or _lang(request)
    t = text_for(lang)
    context = {
        "t": t,
        "lang": lang,
        "other_lang": "en" if lang == "hi" else "hi",
        "grievance": settings.ORDERDESK["GRIEVANCE_OFFICER"],
    } | context
    return TemplateResponse(request, f"storefront/{template}", context, status=status)


def _errors(exc: DomainError, lang: str) -> dict[str, str]:
    """{field: message} for the page; the first one also under ``form``."""
    out = {}
    for err in exc.errors:
        out.setdefault(
            (err.field or "form").split(".")[-1], error_text(err.code, err.message, lang)
        )
    out.setdefault("form", error_text(exc.code, exc.message, lang))
    return out


def _bot(request, form: str) -> bool:
    return looks_like_a_bot(
        honeypot=request.POST.get(HONEYPOT, ""),
        shown_at=_state(request).get(f"shown:{form}"),
        now=time.time(),
        min_seconds=settings.ORDERDESK["STOREFRONT"]["MIN_FILL_SECONDS"],
    )


def _shown(request, form: str) -> None:
    _state(request).setdefault(f"shown:{form}", time.time())
    _save(request)


def _limited(request, group: str, rate_key: str, key) -> bool:

    rate = settings.ORDERDESK["STOREFRONT"][rate_key]
    return is_ratelimited(request, group=group, key=key, rate=rate, increment=True)


def _too_many(request):
    t = text_for(_lang(request))
    return _page(request, "refused.html", {"message": t["too_many"]}, status=429)


def _quote(request) -> Quote | None:
    quote_id = _state(request).get("quote_id")
    if not quote_id:
        return None
    return (
        Quote.objects.select_related("variant__model__brand", "variant__model__device_type")
        .filter(pk=quote_id)
        .first()
    )


def _verification(request) -> PhoneVerification | None:
    pk = _state(request).get("verification_id")
    return (
        PhoneVerification.objects.select_related("customer").filter(pk=pk).first() if pk else None
    )


def _web_quote(request) -> WebQuote | None:
    pk = _state(request).get("web_quote_id")
    web_quote = WebQuote.objects.filter(pk=pk).first() if pk else None
    quote = _quote(request)
    if web_quote is None or quote is None or web_quote.quote_id != quote.pk:
        return None
    return web_quote


def _in_language(questions, lang: str) -> list[dict]:
    """The questionnaire as the page shows it: each text in the visitor's language, English
    where the catalogue keeps no Hindi (``catalog.rules.in_language``)."""
    return [
        {
            "key": q.key,
            "text": q.text_in(lang),
            "help_text": q.help_text_in(lang),
            "options": [{"key": o.key, "label": o.label_in(lang)} for o in q.options.all()],
        }
        for q in questions
    ]


def _start():
    return HttpResponseRedirect(reverse("storefront:home"))


# --- the sale ----------------------------------------------------------------------------


@require_http_methods(["GET"])
def home(request):
    query = request.GET.get("q", "").strip()[:80]
    results = selectors.search_devices(query) if query else []
    return _page(request, "home.html", {"query": query, "results": results, "step": 1})


@require_http_methods(["GET", "POST"])
def device(request, variant_id: int):
    variant = (
        Variant.objects.select_related("model__brand", "model__device_type")
        .filter(pk=variant_id, active=True, model__active=True)
        .first()
    )
    if variant is None:
        return _start()
    lang = _lang(request)
    questions = questionnaire(variant.model.device_type)
    answers = (
        {q.key: request.POST.get(q.key, "") for q in questions} if request.method == "POST" else {}
    )
    errors = {}
    if request.method == "POST":
        try:
            quote = create_quote(
                variant_id=variant.pk, answers={k: v for k, v in answers.items() if v}
            )
        except DomainError as exc:
            errors = _errors(exc, lang)
        else:
            state = _state(request)
            state["quote_id"] = str(quote.pk)
            state.pop("web_quote_id", None)
            verification = _verification(request)
            if verification is not None and verification.verified_at is not None:
                # A verified visitor who changed the answers: keep the new estimate too.
                web_quote = actions.record_web_quote(
                    verification=verification, quote=quote, language=lang
                )
                state["web_quote_id"] = web_quote.pk
            _save(request)
            return HttpResponseRedirect(reverse("storefront:estimate"))
    return _page(
        request,
        "device.html",
        {
            "variant": variant,
            "questions": _in_language(questions, lang),
            "answers": answers,
            "errors": errors,
            "step": 2,
        },
        status=422 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def estimate(request):
    quote = _quote(request)
    if quote is None:
        return _start()
    lang = _lang(request)
    errors: dict = {}
    form = {"name": "", "phone": ""}
    status = 200
    if request.method == "POST":
        form = {
            "name": request.POST.get("name", "").strip()[:120],
            "phone": request.POST.get("phone", "").strip()[:20],
        }
        if _bot(request, "phone"):
            errors = {"form": text_for(lang)["bot"]}
            status = 400
        else:
            try:
                phone = normalise_phone(form["phone"])
            except DomainError as exc:
                errors, status = _errors(exc, lang), exc.status
            else:
                if _limited(request, "sf-code-ip", "RATE_CODE_PER_IP", "ip") or _limited(
                    request, "sf-code-phone", "RATE_CODE_PER_PHONE", lambda g, r: phone
                ):
                    return _too_many(request)
                try:
                    verification = actions.request_phone_code(
                        name=form["name"], phone=phone, language=lang
                    )
                except DomainError as exc:
                    errors, status = _errors(exc, lang), exc.status
                else:
                    _state(request)["verification_id"] = verification.pk
                    _save(request)
                    return HttpResponseRedirect(reverse("storefront:verify"))
    _shown(request, "phone")
    verification = _verification(request)
    verified = verification is not None and verification.verified_at is not None
    return _page(
        request,
        "estimate.html",
        {
            "quote": quote,
            "price": format_inr(quote.estimated_price),
            "form": form,
            "errors": errors,
            "verified": verified,
            "honeypot": HONEYPOT,
            "step": 3,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def verify(request):
    verification = _verification(request)
    quote = _quote(request)
    if verification is None or quote is None:
        return _start()
    lang = _lang(request)
    errors: dict = {}
    status = 200
    if request.method == "POST":
        if _limited(
            request,
            "sf-verify-phone",
            "RATE_VERIFY_PER_PHONE",
            lambda g, r: verification.customer.phone,
        ):
            return _too_many(request)
        try:
            verification = actions.verify_phone_code(verification.pk, request.POST.get("code", ""))
        except DomainError as exc:
            errors, status = _errors(exc, lang), exc.status
        else:
            web_quote = actions.record_web_quote(
                verification=verification, quote=quote, language=lang
            )
            _state(request)["web_quote_id"] = web_quote.pk
            _save(request)
            return HttpResponseRedirect(reverse("storefront:pincode"))
    return _page(
        request,
        "verify.html",
        {"masked_phone": mask_phone(verification.customer.phone), "errors": errors, "step": 4},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def pincode(request):
    quote, web_quote = _quote(request), _web_quote(request)
    if quote is None or web_quote is None:
        return HttpResponseRedirect(reverse("storefront:estimate")) if quote else _start()
    lang = _lang(request)
    state = _state(request)
    value = request.POST.get("pincode", state.get("pincode", "")).strip()[:6]
    errors: dict = {}
    status = 200
    if request.method == "POST":
        check = serviceability(value, quote.variant.model.device_type.key, with_slots=False)
        if not (len(value) == 6 and value.isdigit()):
            errors, status = (
                {"pincode": error_text("pincode_invalid", "Type the 6-digit pincode.", lang)},
                422,
            )
        elif not check.serviceable:
            message = "We do not pick up this device at this pincode yet."
            errors, status = {"pincode": error_text(check.reason, message, lang)}, 422
        else:
            state["pincode"], state["city"] = value, check.city
            _save(request)
            return HttpResponseRedirect(reverse("storefront:details"))
    return _page(
        request, "pincode.html", {"pincode": value, "errors": errors, "step": 5}, status=status
    )


DETAIL_FIELDS = (
    "slot_id",
    "line1",
    "line2",
    "landmark",
    "payment_method",
    "upi_id",
    "account_number",
    "ifsc",
)


@require_http_methods(["GET", "POST"])
def details(request):
    quote, web_quote = _quote(request), _web_quote(request)
    state = _state(request)
    if quote is None or web_quote is None or not state.get("pincode"):
        return HttpResponseRedirect(reverse("storefront:pincode")) if quote else _start()
    lang = _lang(request)
    form = dict(state.get("details", {}))
    errors: dict = {}
    status = 200
    if request.method == "POST":
        form = {name: request.POST.get(name, "").strip()[:200] for name in DETAIL_FIELDS}
        try:
            slot_id = int(form["slot_id"])
        except ValueError:
            slot_id = None
        req = OrderRequest(
            customer_name="-",
            customer_phone="-",
            line1=form["line1"],
            line2=form["line2"],
            landmark=form["landmark"],
            city=state["city"],
            pincode=state["pincode"],
            slot_id=slot_id,
            payment_method=form["payment_method"],
            upi_id=form["upi_id"],
            account_number=form["account_number"],
            ifsc=form["ifsc"],
        )
        # The same gates create_order applies, asked now so the step shows every problem.
        problems = gate_problems(req, agent=False, variant=quote.variant)
        if problems:
            for p in problems:
                errors.setdefault(p.field.split(".")[-1], error_text(p.code, p.message, lang))
            status = 422
        else:
            form["slot_id"] = slot_id
            state["details"] = form
            _save(request)
            return HttpResponseRedirect(reverse("storefront:review"))
    grid = selectors.slot_grid(state["pincode"])
    return _page(
        request,
        "details.html",
        {
            "grid": grid,
            "form": form,
            "city": state["city"],
            "pincode": state["pincode"],
            "errors": errors,
            "step": 6,
        },
        status=status,
    )


def _summary(quote, state: dict, phone: str) -> dict:
    d = state["details"]
    slot = PickupSlot.objects.filter(pk=d.get("slot_id")).first()
    if d.get("payment_method") == PaymentMethod.UPI:
        paid_to = f"UPI {mask_upi(d.get('upi_id'))}"
    else:
        paid_to = f"{mask_tail(d.get('account_number'))} · {d.get('ifsc', '').upper()}"
    return {
        "device": str(quote.variant),
        "price": format_inr(quote.estimated_price),
        "slot": slot,
        "address": ", ".join(
            x
            for x in (
                d.get("line1"),
                d.get("line2"),
                d.get("landmark"),
                state["city"],
                state["pincode"],
            )
            if x
        ),
        "paid_to": paid_to,
        "phone": mask_phone(phone),
    }


@require_http_methods(["GET", "POST"])
def review(request):
    quote, web_quote = _quote(request), _web_quote(request)
    state = _state(request)
    if quote is None or web_quote is None or not state.get("details"):
        return HttpResponseRedirect(reverse("storefront:details")) if quote else _start()
    lang = _lang(request)
    errors: dict = {}
    status = 200
    if request.method == "POST":
        if _bot(request, "review") or request.POST.get("consent") != "yes":
            errors = (
                {"consent": text_for(lang)["consent"]}
                if not _bot(request, "review")
                else {"form": text_for(lang)["bot"]}
            )
            status = 400
        elif _limited(request, "sf-order-ip", "RATE_ORDER_PER_IP", "ip"):
            return _too_many(request)
        else:
            details = dict(state["details"]) | {"city": state["city"], "pincode": state["pincode"]}
            try:
                order, _ = actions.place_web_order(web_quote.pk, details=details)
            except DomainError as exc:
                errors, status = _errors(exc, lang), exc.status
            else:
                state["order_number"] = order.number
                _save(request)
                return HttpResponseRedirect(reverse("storefront:done"))
    _shown(request, "review")
    return _page(
        request,
        "review.html",
        {
            "s": _summary(quote, state, web_quote.customer.phone),
            "errors": errors,
            "honeypot": HONEYPOT,
            "step": 7,
        },
        status=status,
    )


@require_http_methods(["GET"])
def done(request):
    number = _state(request).get("order_number")
    if not number:
        return _start()
    return _page(
        request, "done.html", {"number": order_rules.display_order_number(number), "step": 8}
    )


# --- the tracking link ---------------------------------------------------------------------


def _tracked(request, token: str):
    number = read_tracking_token(token)
    order = selectors.order_for_tracking(number) if number else None
    return order


def _invalid(request):
    t = text_for(_lang(request))
    return _page(request, "refused.html", {"message": t["link_invalid"]}, status=404)


@require_http_methods(["GET"])
def track(request, token: str):
    order = _tracked(request, token)
    if order is None:
        return _invalid(request)
    lang = _lang(request, default="hi" if order.customer.language == "hi" else "en")
    actor = CustomerActor(order.customer_id)
    moves, allowed = lifecycle.allowed_for(order, actor)
    may_cancel = (
        any(to == OrderStatus.CANCELLED for to, _ in moves)
        and order.status != OrderStatus.INSPECTED
    )
    price_question = "accept_final_price" in allowed
    grid = (
        selectors.slot_grid(order.address.pincode, exclude_slot_id=order.slot_id)
        if "amend_slot" in allowed
        else None
    )
    words = status_words(lang)
    return _page(
        request,
        "track.html",
        {
            "order": order,
            "token": token,
            "number": order_rules.display_order_number(order.number),
            "status": words.get(order.status, order.get_status_display()),
            "timeline": [
                row | {"label": words.get(row["to"] or row["kind"], row["kind"])}
                for row in selectors.timeline(order)
            ],
            "estimated": format_inr(order.estimated_price),
            "final": format_inr(order.final_price) if order.final_price is not None else "",
            "grid": grid,
            "may_cancel": may_cancel,
            "price_question": price_question,
            "done": request.GET.get("done") == "1",
        },
        lang=lang,
    )


def _track_action(request, token: str, do):
    order = _tracked(request, token)
    if order is None:
        return _invalid(request)
    lang = _lang(request, default="hi" if order.customer.language == "hi" else "en")
    try:
        do(order)
    except DomainError as exc:
        return _page(
            request,
            "refused.html",
            {"message": error_text(exc.code, exc.message, lang), "code": exc.code, "token": token},
            status=exc.status,
            lang=lang,
        )
    return HttpResponseRedirect(reverse("storefront:track", args=[token]) + "?done=1")


@require_POST
def track_reschedule(request, token: str):
    return _track_action(
        request,
        token,
        lambda order: actions.reschedule(
            order, customer_id=order.customer_id, slot_id=request.POST.get("slot_id")
        ),
    )


@require_POST
def track_cancel(request, token: str):
    return _track_action(
        request,
        token,
        lambda order: actions.cancel(
            order, customer_id=order.customer_id, words=request.POST.get("words", "")
        ),
    )


@require_POST
def track_price(request, token: str):
    decision = request.POST.get("decision")
    if decision not in ("accept", "refuse"):
        return _track_action(request, token, lambda order: _no_decision())
    return _track_action(
        request,
        token,
        lambda order: actions.answer_inspected_price(
            order,
            customer_id=order.customer_id,
            accept=decision == "accept",
            words=request.POST.get("words", ""),
        ),
    )


def _no_decision():
    raise ValidationFailed("Choose accept or refuse.", code="required", field="decision")


# --- Issue 15, item 12: the feedback link of the request sent when an order completes ----------


@require_http_methods(["GET", "POST"])
def feedback(request, token: str):
    """The customer rates the pickup (1-5, a comment if they like): once, by the signed link.
    A forged link is 404; a second answer or an expired request is refused, nothing written."""
    try:
        record = order_actions.feedback_for_token(token)
    except DomainError:
        return _invalid(request)
    lang = _lang(request, default="hi" if record.order.customer.language == "hi" else "en")
    context = {
        "number": order_rules.display_order_number(record.order.number),
        "feedback": record,
        "scores": order_rules.FEEDBACK_SCORES,
    }
    if request.method == "POST":
        raw = request.POST.get("score", "")
        try:
            order_actions.answer_feedback_by_token(
                token,
                score=int(raw) if raw.isdigit() else None,
                comment=request.POST.get("comment", ""),
            )
        except DomainError as exc:
            return _page(
                request,
                "feedback.html",
                context | {"errors": _errors(exc, lang)},
                status=exc.status,
                lang=lang,
            )
        record.refresh_from_db()
    return _page(request, "feedback.html", context | {"feedback": record}, lang=lang)
