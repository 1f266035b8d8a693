"""Console pages for messages (ops' failed-message list with Retry, a customer's messages,
the CX WhatsApp inbox) and the WhatsApp webhook.

Views are thin: parse, check the role, call one action, render.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages as flash
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from orderdesk.accounts.permissions import Perm, has_perm, requires
from orderdesk.core.errors import DomainError
from orderdesk.customers.models import Customer
from orderdesk.messaging import actions, rules, selectors, whatsapp
from orderdesk.messaging.conf import conf
from orderdesk.messaging.models import InboundMessage, Message


@requires(Perm.MESSAGES_OPERATE)
def failed_messages(request):
    return TemplateResponse(
        request,
        "console/messaging/failed.html",
        {
            "failed": selectors.failed_messages(),
            "counts": selectors.outbox_counts(),
            "sender": selectors.sender_state(),
        },
    )


@require_POST
@requires(Perm.MESSAGES_OPERATE)
def retry(request, message_id: int):
    message = get_object_or_404(Message, pk=message_id)
    try:
        actions.retry_message(message)
    except DomainError as exc:
        flash.error(request, f"Message #{message.pk}: {exc.message}")
    else:
        flash.success(request, f"Message #{message.pk} is queued again.")
    return redirect("messaging:failed")


# Anyone who may look a customer up may see what we sent them (CX answers "did I get the SMS?").
@requires(Perm.CUSTOMERS_VIEW)
def customer_messages(request, customer_id: int):
    customer = get_object_or_404(Customer, pk=customer_id)
    template = (
        "console/messaging/customer_messages.html"
        if request.headers.get("HX-Request")
        else "console/messaging/customer_page.html"
    )
    return TemplateResponse(
        request,
        template,
        {
            "customer": customer,
            "timeline": selectors.customer_timeline(customer),
            "consents": selectors.consent_ledger(customer.pk, limit=10),
        },
    )


# --- the WhatsApp webhook ----------------------------------------------------------------


@csrf_exempt  # Meta cannot send a CSRF token: the HMAC signature is the credential
@require_http_methods(["GET", "POST"])
def whatsapp_webhook(request):
    """GET: Meta's subscription handshake. POST: events, signed with the app secret.

    A POST whose ``X-Hub-Signature-256`` is missing or wrong gets 403 and stores
    nothing; a right one is stored raw and answered 200 at once (the worker
    processes it), so Meta does not retry a slow answer.
    """
    c = conf()
    if request.method == "GET":
        mode = request.GET.get("hub.mode")
        token = request.GET.get("hub.verify_token", "")
        if (
            mode == "subscribe"
            and c.whatsapp_verify_token
            and rules.constant_time_equal(token, c.whatsapp_verify_token)
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponseForbidden("verification failed", content_type="text/plain")
    body = request.body  # the raw bytes the signature covers, before any parsing
    if not rules.signature_valid(
        body, request.headers.get("X-Hub-Signature-256"), c.whatsapp_app_secret
    ):
        return HttpResponseForbidden("bad signature", content_type="text/plain")
    whatsapp.store_event(body)
    return HttpResponse("ok", content_type="text/plain")


# --- the CX WhatsApp inbox -----------------------------------------------------------------


@requires(Perm.WHATSAPP_INBOX)
def inbox(request):
    c = conf()
    return TemplateResponse(
        request,
        "console/messaging/inbox.html",
        {
            "conversations": selectors.conversations(
                timezone.now(), window_hours=c.whatsapp_window_hours
            )
        },
    )


def _phone_of(thread_id: int) -> str:
    """A conversation is named by one of its inbound messages, so no URL carries a phone (S2)."""
    inbound = get_object_or_404(InboundMessage, pk=thread_id)
    return inbound.from_phone


def _conversation_context(request, phone: str) -> dict:
    c = conf()
    now = timezone.now()
    last = selectors.last_inbound_at(phone)
    customer = Customer.objects.filter(phone=phone).first()
    start = {"phone": phone, "channel": "whatsapp", "type": "inquiry"}
    return {
        "phone": phone,
        "customer": customer,
        "entries": selectors.conversation(phone),
        "window_open": rules.window_open(last, now, hours=c.whatsapp_window_hours),
        "window_closes_at": rules.window_closes_at(last, hours=c.whatsapp_window_hours),
        "consent": selectors.whatsapp_consent(customer) if customer else None,
        "templates": selectors.whatsapp_templates(customer.language if customer else None),
        # An unknown number: the existing forms, prefilled; creating is theirs.
        "can_open_ticket": has_perm(request.user, Perm.TICKETS_WORK),
        "can_start_order": has_perm(request.user, Perm.ORDERS_CREATE_MANUAL),
        "can_start_lead": has_perm(request.user, Perm.LEADS_START),
        "new_lead_url": reverse("console:whatsapp_new_lead") + "?" + urlencode({"phone": phone}),
        "new_ticket_url": reverse("console:cx_ticket_new") + "?" + urlencode(start),
        "new_order_url": reverse("console:order_wizard")
        + "?"
        + urlencode({"customer_phone": phone}),
    }


@requires(Perm.WHATSAPP_INBOX)
def conversation(request, thread_id: int):
    context = _conversation_context(request, _phone_of(thread_id))
    context["thread_id"] = thread_id
    return TemplateResponse(request, "console/messaging/conversation.html", context)


@require_POST
@requires(Perm.WHATSAPP_INBOX)
def conversation_reply(request, thread_id: int):
    phone = _phone_of(thread_id)
    try:
        if request.POST.get("template"):
            template_id = request.POST.get("template", "")
            actions.send_whatsapp_template(
                phone=phone,
                template_id=int(template_id) if template_id.isdigit() else 0,
                sent_by=request.user,
            )
        else:
            actions.send_whatsapp_reply(
                phone=phone, text=request.POST.get("text", ""), sent_by=request.user
            )
    except DomainError as exc:
        context = _conversation_context(request, phone)
        context.update(error=exc, text=request.POST.get("text", ""), thread_id=thread_id)
        return TemplateResponse(
            request, "console/messaging/conversation.html", context, status=exc.status
        )
    flash.success(request, "Queued: it goes out within seconds.")
    return redirect("messaging:conversation", thread_id=thread_id)
