"""S1: the access matrix (accounts/access_matrix.py), checked cell by cell.

For every console page and API operation the project serves, and every role:

- an allowed role gets a real answer (2xx/3xx, or the documented business answer
  the request recipe names), never 401/403/404/a sign-in redirect;
- a refused role gets 403 (console signed-out: a redirect to sign-in; API
  signed-out: 401), and no row of any table changed (row counts and contents
  of every model, the audit trail included).

The world (the cast, a catalog, leads, orders, tickets) is built once per
module; each cell runs inside a savepoint that is rolled back afterwards.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from orderdesk.accounts import access_matrix as matrix
from orderdesk.accounts.choices import Role
from orderdesk.core.models import AuditEvent

# ----------------------------------------------------------------------------------------------
# Requests: how to exercise each row of the matrix with a valid request.
# ----------------------------------------------------------------------------------------------


@dataclass
class Req:
    """One request. ``ok`` are the statuses an allowed role may get (default: any < 400)."""

    path: str
    data: dict | None = None
    query: dict | None = None
    ok: tuple[int, ...] = ()
    headers: dict = field(default_factory=dict)
    content_type: str = "application/json"
    signs_out: bool = False  # logout: the sign-in page is the answer
    raw: str | None = None  # a body sent byte for byte (a signed webhook)
    session: dict = field(default_factory=dict)  # the storefront's progress, set before sending


#: The one-time code of the app's proved phone in the world (issue 21, 10).
APP_CODE = "535353"


def order_body(w, phone: str, **extra) -> dict:
    body = {
        "variant_id": w.catalog["v128"].pk,
        "answers": {"screen": "scratched", "body": "good"},
        "customer": {"name": "New Customer", "phone": phone},
        "pickup": {
            "line1": "14, 3rd Cross, 5th Block",
            "landmark": "Opposite Forum Mall",
            "city": "Bengaluru",
            "pincode": "560034",
            "slot_id": w.slot.pk,
        },
        "payment": {"method": "upi", "upi_id": "new.customer@okaxis"},
    }
    body.update(extra)
    return body


AGENT_FIELDS = {
    "reason": "customer_requested_help",
    "consent": {"confirmed": True, "statement": "Yes, please place the order"},
    "price_confirmed": True,
}


def _post_order(w, role):
    if role in ("sales", "cx"):
        return Req("/api/v1/orders", order_body(w, "9812340001", **AGENT_FIELDS), ok=(201,))
    return Req("/api/v1/orders", order_body(w, "9812340001"), ok=(201,))


def _transition(w, role):
    if role == "cx":
        return Req(
            f"/api/v1/orders/{w.order_own.number}/transitions",
            {"to": "cancelled", "reason": "customer_request", "notes": "asked on a ticket"},
        )
    return Req(
        f"/api/v1/orders/{w.order_own.number}/transitions",
        {"to": "pickup_scheduled", "slot_id": w.slot.pk},
    )


def _ticket_action(w, role):
    if role == "supervisor":
        return Req(
            f"/api/v1/tickets/{w.ticket_escalated.pk}/actions",
            {"kind": "listen", "text": "Customer says the vendor never called back"},
            ok=(201,),
        )
    return Req(
        f"/api/v1/tickets/{w.ticket.pk}/actions",
        {"kind": "listen", "text": "Customer says the pickup partner never came"},
        ok=(201,),
    )


STOREFRONT_DETAILS = {
    "line1": "14, 3rd Cross, 5th Block",
    "landmark": "Opposite Forum Mall",
    "payment_method": "upi",
    "upi_id": "web.visitor@okaxis",
}


def storefront_session(w, *, pending=False, verified=False, pickup=False, details=False, shown=""):
    """A visitor's progress through the storefront's steps, as its views keep it."""
    import time

    state: dict = {"quote_id": w.web_quote_id}
    if pending:
        state["verification_id"] = w.pending_verification_id
    if verified:
        state |= {"verification_id": w.verified_id, "web_quote_id": w.web_quote_pk}
    if pickup or details:
        state |= {"pincode": "560034", "city": "Bengaluru"}
    if details:
        state["details"] = STOREFRONT_DETAILS | {
            "slot_id": w.slot.pk,
            "line2": "",
            "account_number": "",
            "ifsc": "",
        }
    if shown:
        state[f"shown:{shown}"] = time.time() - 60  # shown a minute ago: a person's pace
    return {"sf": state}


API_REQUESTS: dict[str, Callable] = {
    "GET /api/v1/health": lambda w, r: Req("/api/v1/health"),
    "GET /api/v1/ready": lambda w, r: Req("/api/v1/ready"),
    "DELETE /api/v1/auth/token": lambda w, r: Req("/api/v1/auth/token", ok=(204,)),
    "POST /api/v1/auth/token": lambda w, r: Req(
        "/api/v1/auth/token", {"username": "sita", "password": w.password}
    ),
    "GET /api/v1/me": lambda w, r: Req("/api/v1/me"),
    "GET /api/v1/catalog/models": lambda w, r: Req("/api/v1/catalog/models", query={"q": "iph"}),
    "GET /api/v1/catalog/device-types/{device_type}/questions": lambda w, r: Req(
        "/api/v1/catalog/device-types/phone/questions"
    ),
    "GET /api/v1/serviceability": lambda w, r: Req(
        "/api/v1/serviceability", query={"pincode": "560034", "device_type": "phone"}
    ),
    "POST /api/v1/quotes": lambda w, r: Req(
        "/api/v1/quotes",
        {"variant_id": w.catalog["v128"].pk, "answers": {"screen": "flawless", "body": "good"}},
    ),
    "GET /api/v1/customers": lambda w, r: Req("/api/v1/customers", query={"q": "9876543210"}),
    "POST /api/v1/customers": lambda w, r: Req(
        "/api/v1/customers", {"name": "Neha Gupta", "phone": "9812340002"}
    ),
    "GET /api/v1/customers/{customer_id}": lambda w, r: Req(f"/api/v1/customers/{w.asha.pk}"),
    "PATCH /api/v1/customers/{customer_id}/preferences": lambda w, r: Req(
        f"/api/v1/customers/{w.asha.pk}/preferences", {"whatsapp_opt_in": True}
    ),
    "POST /api/v1/leads": lambda w, r: Req(
        "/api/v1/leads",
        {"customer": {"name": "Neha", "phone": "9812340003"}, "source": "inbound_call"},
    ),
    "GET /api/v1/leads/{lead_id}": lambda w, r: Req(f"/api/v1/leads/{w.lead.pk}"),
    "POST /api/v1/leads/{lead_id}/contacts": lambda w, r: Req(
        f"/api/v1/leads/{w.lead.pk}/contacts",
        {
            "channel": "call",
            "direction": "inbound",
            "connected": True,
            "disposition": "waiting_for_quote",
            "notes": "Customer wants a quote for the 256 GB model first",
        },
        ok=(201,),
    ),
    "POST /api/v1/leads/{lead_id}/close": lambda w, r: Req(
        f"/api/v1/leads/{w.lead.pk}/close", {"notes": "Customer decided to keep the phone"}
    ),
    "GET /api/v1/followups/due": lambda w, r: Req("/api/v1/followups/due"),
    "GET /api/v1/followups/missed": lambda w, r: Req("/api/v1/followups/missed"),
    "POST /api/v1/disposition-suggestions": lambda w, r: Req(
        "/api/v1/disposition-suggestions", {"text": "maine order kar diya"}
    ),
    "GET /api/v1/dispositions": lambda w, r: Req("/api/v1/dispositions"),
    "POST /api/v1/orders": _post_order,
    "GET /api/v1/orders": lambda w, r: (
        Req(
            "/api/v1/orders",
            query={"phone": "9876543212", "verification_id": w.app_proof.pk},
            headers={"Phone-Code": APP_CODE},
        )
        if r == "app"
        else Req("/api/v1/orders", query={"status": "vendor_assigned"})
    ),
    "POST /api/v1/phone-codes": lambda w, r: Req(
        "/api/v1/phone-codes", {"name": "Asha Rao", "phone": "9876543212"}, ok=(201,)
    ),
    "GET /api/v1/orders/{number}": lambda w, r: Req(
        f"/api/v1/orders/{(w.order_app if r == 'app' else w.order_own).number}"
    ),
    "POST /api/v1/orders/{number}/transitions": _transition,
    "POST /api/v1/orders/{number}/price-acceptance": lambda w, r: Req(
        f"/api/v1/orders/{w.order_inspected.number}/price-acceptance",
        {"notes": "Customer agreed to the inspected price"},
    ),
    "GET /api/v1/orders/{number}/history": lambda w, r: Req(
        f"/api/v1/orders/{w.order_own.number}/history"
    ),
    "POST /api/v1/orders/{number}/customer-phone": lambda w, r: Req(
        f"/api/v1/orders/{w.order_own.number}/customer-phone", {"purpose": "at the gate"}
    ),
    "POST /api/v1/orders/{number}/duplicate-overrides": lambda w, r: Req(
        f"/api/v1/orders/{w.order_own.number}/duplicate-overrides",
        {"position": 1, "reason": "a second identical phone found after booking"},
    ),
    "POST /api/v1/tickets": lambda w, r: Req(
        "/api/v1/tickets",
        {"type": "inquiry", "customer": {"phone": "9876543210"}, "notes": "Where is my pickup?"},
        ok=(201,),
    ),
    "GET /api/v1/tickets": lambda w, r: Req("/api/v1/tickets", query={"queue": "escalated"}),
    "GET /api/v1/tickets/{ticket_id}": lambda w, r: Req(f"/api/v1/tickets/{w.ticket.pk}"),
    "POST /api/v1/tickets/{ticket_id}/actions": _ticket_action,
    "POST /api/v1/csat": lambda w, r: Req("/api/v1/csat", {"token": w.csat_token, "score": 5}),
    "POST /api/v1/csat/replies": lambda w, r: Req(
        "/api/v1/csat/replies", {"phone": w.survey_phone, "text": f"4 {w.survey.reply_code}"}
    ),
    "POST /api/v1/feedback/replies": lambda w, r: Req(
        "/api/v1/feedback/replies",
        {"phone": w.feedback_phone, "text": f"5 {w.feedback.reply_code}"},
    ),
    "GET /api/v1/orders/{number}/messages": lambda w, r: Req(
        f"/api/v1/orders/{w.order_own.number}/messages"
    ),
    "GET /api/v1/kpis": lambda w, r: Req("/api/v1/kpis"),
}


def _own_call(w, role, *, recording: bool = False):
    """A call of ``role``'s user (of the sales agent for roles that place none), made inside
    the cell's savepoint; with a short recording in storage when asked."""
    from django.core.files.base import ContentFile

    from orderdesk.telephony.models import Call

    agent = w.users[role] if role in ("sales", "cx") else w.users["sales"]
    call = Call.objects.create(
        provider="simulator",
        provider_call_id=f"matrix-{role}",
        direction="outbound",
        from_number="+919000000001",
        to_number=w.lead.customer.phone,
        agent=agent,
        customer=w.lead.customer,
        context_kind="lead",
        context_id=w.lead.pk,
        status="completed",
        created_at=timezone.now(),
        ended_at=timezone.now(),
    )
    if recording:
        call.recording.save("matrix.wav", ContentFile(b"RIFF0000WAVE"), save=True)
    return call


def _inbound_call(w, role):
    """An unknown caller's inbound call taken by ``role``'s user (the sales agent's otherwise)."""
    from orderdesk.telephony.models import Call

    agent = w.users[role] if role in ("sales", "cx") else w.users["sales"]
    return Call.objects.create(
        provider="simulator",
        provider_call_id=f"matrix-in-{role}",
        direction="inbound",
        from_number="+919812349999",
        to_number="+918000000000",
        agent=agent,
        status="answered",
        created_at=timezone.now(),
    )


def form(path, data=None, ok=()):
    return Req(path, data or {}, ok=ok, content_type="form")


def _reveal_text(w, role):
    """Issue 21, 7: each role reveals a note of a customer it works."""
    from orderdesk.cx.models import Ticket
    from orderdesk.leads.models import ContactAttempt
    from orderdesk.orders.models import OrderEvent

    if role == "sales":
        kind = "contact_notes"
        pk = ContactAttempt.objects.filter(lead__owner=w.users["sales"]).first().pk
    elif role == "cx":
        kind, pk = "ticket_notes", Ticket.objects.filter(assignee=w.users["cx"]).first().pk
    else:
        kind, pk = "order_event", OrderEvent.objects.filter(order=w.order_own).first().pk
    return form(
        reverse("console:reveal_text", args=[kind, pk]), {"purpose": "checking the pickup note"}
    )


CONSOLE_REQUESTS: dict[str, Callable] = {
    "GET /": lambda w, r: Req("/"),
    "GET console:home": lambda w, r: Req(reverse("console:home")),
    "GET console:search": lambda w, r: Req(
        reverse("console:search"), query={"q": w.order_own.number}
    ),
    "GET console:login": lambda w, r: Req(reverse("console:login")),
    "POST console:logout": lambda w, r: Req(
        reverse("console:logout"), {}, content_type="form", signs_out=True
    ),
    "GET console:password_change": lambda w, r: Req(reverse("console:password_change")),
    "POST console:password_change": lambda w, r: form(
        reverse("console:password_change"),
        {
            "old_password": w.password,
            "new_password1": "a-much-longer-passphrase-42",
            "new_password2": "a-much-longer-passphrase-42",
        },
    ),
    "GET console:language": lambda w, r: Req(reverse("console:language")),
    "POST console:language": lambda w, r: form(reverse("console:language"), {"language": "hi"}),
    "GET console:sales_home": lambda w, r: Req(reverse("console:sales_home")),
    "GET console:cx_home": lambda w, r: Req(reverse("console:cx_home")),
    "GET console:ops_home": lambda w, r: Req(reverse("console:ops_home")),
    "GET console:supervisor_home": lambda w, r: Req(reverse("console:supervisor_home")),
    "GET console:admin_home": lambda w, r: Req(reverse("console:admin_home")),
    "GET console:order_wizard": lambda w, r: Req(reverse("console:order_wizard")),
    "POST console:order_wizard_check": lambda w, r: form(
        reverse("console:order_wizard_check"),
        {"customer_phone": w.order_own.customer.phone, "pincode": "560034"},
    ),
    "GET console:order_created": lambda w, r: Req(
        reverse("console:order_created", args=[w.order_own.number])
    ),
    "GET console:order_view": lambda w, r: Req(
        reverse("console:order_view", args=[w.order_own.number])
    ),
    "GET console:agent_errors": lambda w, r: Req(reverse("console:agent_errors")),
    "GET console:my_work": lambda w, r: Req(reverse("console:my_work")),
    "POST console:agent_restore": lambda w, r: form(
        reverse("console:agent_restore", args=[w.users["sales"].pk]),
        {"reason": "Retrained on the pre-checks on Monday"},
    ),
    "GET console:lead_queue": lambda w, r: Req(reverse("console:lead_queue")),
    "GET console:next_lead": lambda w, r: Req(reverse("console:next_lead")),
    "GET console:nav_counts": lambda w, r: Req(reverse("console:nav_counts")),
    "GET console:lead_search": lambda w, r: Req(
        reverse("console:lead_search"), query={"q": "9876500001"}
    ),
    "GET console:lead_suggest": lambda w, r: Req(
        reverse("console:lead_suggest"), query={"customer_words": "maine order kar diya"}
    ),
    "GET console:lead_oversight": lambda w, r: Req(reverse("console:lead_oversight")),
    "GET console:kpi_dashboard": lambda w, r: Req(reverse("console:kpi_dashboard")),
    "GET console:lead_detail": lambda w, r: Req(reverse("console:lead_detail", args=[w.lead.pk])),
    "POST console:lead_log_contact": lambda w, r: form(
        reverse("console:lead_log_contact", args=[w.lead.pk]),
        {
            "channel": "call",
            "direction": "inbound",
            "connected": "yes",
            "disposition": "waiting_for_quote",
            "notes": "Customer wants a quote for the 256 GB model first",
        },
    ),
    "POST console:lead_call": lambda w, r: form(reverse("console:lead_call", args=[w.lead.pk])),
    "GET console:call_status": lambda w, r: Req(
        reverse("console:call_status", args=[_own_call(w, r).pk])
    ),
    "GET console:call_recording": lambda w, r: Req(
        reverse("console:call_recording", args=[_own_call(w, r, recording=True).pk])
    ),
    "GET console:wallboard": lambda w, r: Req(reverse("console:wallboard")),
    "GET console:call_pop": lambda w, r: Req(reverse("console:call_pop")),
    "POST console:presence": lambda w, r: form(reverse("console:presence"), {"state": "away"}),
    "POST console:ticket_call": lambda w, r: form(
        reverse("console:ticket_call", args=[w.ticket.pk])
    ),
    "POST console:order_call": lambda w, r: form(
        reverse("console:order_call", args=[w.order_own.number])
    ),
    "POST console:call_new_lead": lambda w, r: form(
        reverse("console:call_new_lead", args=[_inbound_call(w, r).pk]), {"name": "Ravi Kumar"}
    ),
    "GET console:callbacks": lambda w, r: Req(reverse("console:callbacks")),
    "POST console:lead_follow_up": lambda w, r: form(
        reverse("console:lead_follow_up", args=[w.lead_wpo.pk]),
        {"follow_up_at": w.follow_up_at, "follow_up_permission": "on"},
    ),
    "POST console:lead_another_device": lambda w, r: form(
        reverse("console:lead_another_device", args=[w.closed_lead.pk])
    ),
    "POST console:lead_close": lambda w, r: form(
        reverse("console:lead_close", args=[w.lead.pk]),
        {"close_notes": "Customer sold the phone elsewhere; asked us not to call again."},
    ),
    "GET console:lead_handover": lambda w, r: Req(
        reverse("console:lead_handover", args=[w.lead.pk])
    ),
    "POST console:lead_handover": lambda w, r: form(
        reverse("console:lead_handover", args=[w.lead.pk]),
        {"type": "complaint", "notes": "Customer says the agent promised a higher price"},
    ),
    "GET console:customer_detail": lambda w, r: Req(
        reverse("console:customer_detail", args=[w.lead.customer_id])
    ),
    "POST console:customer_start_lead": lambda w, r: form(
        reverse("console:customer_start_lead", args=[w.erin.pk]),
        {"source": "inbound_call"},
    ),
    "GET console:training_card": lambda w, r: Req(reverse("console:training_card")),
    "GET console:order_training_card": lambda w, r: Req(reverse("console:order_training_card")),
    "GET console:quote_models": lambda w, r: Req(
        reverse("console:quote_models"), query={"q": "iph"}
    ),
    "GET console:quote_questions": lambda w, r: Req(
        reverse("console:quote_questions"), query={"variant_id": w.catalog["v128"].pk}
    ),
    "POST console:quote_estimate": lambda w, r: form(
        reverse("console:quote_estimate"),
        {
            "variant_id": w.catalog["v128"].pk,
            "answers.screen": "flawless",
            "answers.body": "good",
            "pincode": "560034",
        },
    ),
    "GET console:serviceability": lambda w, r: Req(
        reverse("console:serviceability"), query={"pincode": "560034"}
    ),
    "GET console:customer_search": lambda w, r: Req(
        reverse("console:customer_search"), query={"q": "9876543210"}
    ),
    "GET console:ops_board": lambda w, r: Req(reverse("console:ops_board")),
    "GET console:ops_find_order": lambda w, r: Req(
        reverse("console:ops_find_order"), query={"q": w.order_own.number}
    ),
    "GET console:ops_order": lambda w, r: Req(
        reverse("console:ops_order", args=[w.order_own.number])
    ),
    "POST console:ops_order_move": lambda w, r: form(
        reverse("console:ops_order_move", args=[w.order_own.number, "pickup_scheduled"]),
        {"slot_id": w.slot.pk},
    ),
    "POST console:ops_order_do": lambda w, r: form(
        reverse("console:ops_order_do", args=[w.order_own.number, "amend_address"]),
        {
            "amend_address-line1": "22, 1st Main, 6th Block",
            "amend_address-landmark": "Near the park",
            "amend_address-city": "Bengaluru",
            "amend_address-pincode": "560034",
        },
    ),
    "GET console:cx_queues": lambda w, r: Req(reverse("console:cx_queues")),
    "GET console:cx_ticket_new": lambda w, r: Req(reverse("console:cx_ticket_new")),
    "POST console:cx_ticket_new": lambda w, r: form(
        reverse("console:cx_ticket_new"),
        {"type": "inquiry", "phone": "9876543210", "notes": "Where is my pickup?"},
    ),
    "GET console:cx_ticket": lambda w, r: Req(
        reverse(
            "console:cx_ticket",
            args=[(w.ticket_escalated if r == "supervisor" else w.ticket).pk],
        )
    ),
    "POST console:cx_ticket_action": lambda w, r: form(
        reverse(
            "console:cx_ticket_action",
            args=[(w.ticket_escalated if r == "supervisor" else w.ticket).pk],
        ),
        {"kind": "note", "text": "Customer will call back after six"},
    ),
    "GET console:cx_lookup": lambda w, r: Req(
        reverse("console:cx_lookup"), query={"q": w.order_own.number}
    ),
    "POST console:cx_order_update": lambda w, r: form(
        reverse("console:cx_order_update", args=[w.order_own.number])
    ),
    "GET console:cx_escalations": lambda w, r: Req(reverse("console:cx_escalations")),
    "GET console:csat_answer": lambda w, r: Req(
        reverse("console:csat_answer", args=[w.csat_token])
    ),
    # The storefront: without the session's progress a step sends the visitor back (302).
    "GET storefront:home": lambda w, r: Req(reverse("storefront:home"), query={"q": "iphon 15"}),
    "GET storefront:device": lambda w, r: Req(
        reverse("storefront:device", args=[w.catalog["v128"].pk])
    ),
    "POST storefront:device": lambda w, r: form(
        reverse("storefront:device", args=[w.catalog["v128"].pk]),
        {"screen": "scratched", "body": "good"},
    ),
    "GET storefront:estimate": lambda w, r: Req(
        reverse("storefront:estimate"), session=storefront_session(w)
    ),
    "POST storefront:estimate": lambda w, r: Req(
        reverse("storefront:estimate"),
        {"name": "Visitor", "phone": "9812340077"},
        content_type="form",
        session=storefront_session(w, shown="phone"),
    ),
    "GET storefront:verify": lambda w, r: Req(
        reverse("storefront:verify"), session=storefront_session(w, pending=True)
    ),
    "POST storefront:verify": lambda w, r: Req(
        reverse("storefront:verify"),
        {"code": w.pending_code},
        content_type="form",
        session=storefront_session(w, pending=True),
    ),
    "GET storefront:pincode": lambda w, r: Req(
        reverse("storefront:pincode"), session=storefront_session(w, verified=True)
    ),
    "POST storefront:pincode": lambda w, r: Req(
        reverse("storefront:pincode"),
        {"pincode": "560034"},
        content_type="form",
        session=storefront_session(w, verified=True),
    ),
    "GET storefront:details": lambda w, r: Req(
        reverse("storefront:details"), session=storefront_session(w, verified=True, pickup=True)
    ),
    "POST storefront:details": lambda w, r: Req(
        reverse("storefront:details"),
        STOREFRONT_DETAILS | {"slot_id": w.slot.pk},
        content_type="form",
        session=storefront_session(w, verified=True, pickup=True),
    ),
    "GET storefront:review": lambda w, r: Req(
        reverse("storefront:review"), session=storefront_session(w, verified=True, details=True)
    ),
    "POST storefront:review": lambda w, r: Req(
        reverse("storefront:review"),
        {"consent": "yes"},
        content_type="form",
        session=storefront_session(w, verified=True, details=True, shown="review"),
    ),
    "GET storefront:done": lambda w, r: Req(reverse("storefront:done")),
    "GET storefront:track": lambda w, r: Req(reverse("storefront:track", args=[w.track_token])),
    "GET storefront:feedback": lambda w, r: Req(
        reverse("storefront:feedback", args=[w.feedback_token])
    ),
    "POST storefront:feedback": lambda w, r: form(
        reverse("storefront:feedback", args=[w.feedback_token]), {"score": "5"}
    ),
    "POST storefront:track_reschedule": lambda w, r: form(
        reverse("storefront:track_reschedule", args=[w.track_token]),
        {"slot_id": w.catalog["evening"].pk},
    ),
    "POST storefront:track_cancel": lambda w, r: form(
        reverse("storefront:track_cancel", args=[w.track_token]),
        {"words": "I sold it to a friend"},
    ),
    "POST storefront:track_price": lambda w, r: form(
        reverse("storefront:track_price", args=[w.inspected_token]),
        {"decision": "accept", "words": "OK, I agree to 38,000"},
    ),
    "GET messaging:failed": lambda w, r: Req(reverse("messaging:failed")),
    "POST messaging:retry": lambda w, r: form(
        reverse("messaging:retry", args=[w.failed_message.pk])
    ),
    "GET messaging:customer_messages": lambda w, r: Req(
        reverse("messaging:customer_messages", args=[w.asha.pk])
    ),
    "GET messaging:inbox": lambda w, r: Req(reverse("messaging:inbox")),
    "GET messaging:conversation": lambda w, r: Req(
        reverse("messaging:conversation", args=[w.whatsapp_thread.pk])
    ),
    "POST messaging:conversation_reply": lambda w, r: form(
        reverse("messaging:conversation_reply", args=[w.whatsapp_thread.pk]),
        {"text": "Your pickup partner is on the way."},
    ),
    "GET console:whatsapp_new_lead": lambda w, r: Req(
        reverse("console:whatsapp_new_lead"), query={"phone": w.whatsapp_thread.from_phone}
    ),
    "POST console:whatsapp_new_lead": lambda w, r: form(
        reverse("console:whatsapp_new_lead"),
        {"phone": w.whatsapp_thread.from_phone, "name": "Neha Verma"},
    ),
    "GET outbound:endpoints": lambda w, r: Req(reverse("outbound:endpoints")),
    "POST outbound:endpoints": lambda w, r: form(
        reverse("outbound:endpoints"),
        {"name": "ERP", "url": "https://93.184.215.14/hooks", "events": ["order.paid"]},
    ),
    "GET outbound:endpoint": lambda w, r: Req(
        reverse("outbound:endpoint", args=[w.webhook_endpoint.pk])
    ),
    "POST outbound:resume": lambda w, r: form(
        reverse("outbound:resume", args=[w.webhook_endpoint.pk])
    ),
    "POST outbound:rotate_secret": lambda w, r: form(
        reverse("outbound:rotate_secret", args=[w.webhook_endpoint.pk])
    ),
    "POST outbound:replay": lambda w, r: form(
        reverse("outbound:replay", args=[w.webhook_delivery.pk])
    ),
    "GET webhooks:whatsapp": lambda w, r: Req(
        reverse("webhooks:whatsapp"),
        query={
            "hub.mode": "subscribe",
            "hub.verify_token": WHATSAPP_VERIFY_TOKEN,
            "hub.challenge": "1158201444",
        },
    ),
    "POST webhooks:whatsapp": lambda w, r: _signed_webhook(w),
    "GET console:audit_log": lambda w, r: Req(
        reverse("console:audit_log"), query={"action": "order.create"}
    ),
    "POST console:reveal_phone": lambda w, r: form(
        reverse("console:reveal_phone", args=[w.asha.pk]),
        {"purpose": "calling back about the pickup"},
    ),
    "POST console:reveal_text": lambda w, r: _reveal_text(w, r),
    "POST console:order_duplicate_override": lambda w, r: form(
        reverse("console:order_duplicate_override", args=[w.order_own.number]),
        {"position": "1", "reason": "a second identical phone found after booking"},
    ),
    "POST console:reveal_payment": lambda w, r: form(
        reverse("console:reveal_payment", args=[w.order_own.number])
    ),
    "GET console:customer_privacy": lambda w, r: Req(
        reverse("console:customer_privacy"), query={"q": "Erin"}
    ),
    "GET console:customer_privacy_detail": lambda w, r: Req(
        reverse("console:customer_privacy_detail", args=[w.erin.pk])
    ),
    "GET console:customer_export": lambda w, r: Req(
        reverse("console:customer_export", args=[w.erin.pk])
    ),
    "POST console:customer_erase": lambda w, r: form(
        reverse("console:customer_erase", args=[w.erin.pk]), {"confirm": "ERASE"}
    ),
    "GET console:two_factor_setup": lambda w, r: Req(reverse("console:two_factor_setup")),
    "POST console:two_factor_setup": lambda w, r: form(
        reverse("console:two_factor_setup"), {"otp": "000000"}, ok=(400,)
    ),
    "GET console:two_factor_verify": lambda w, r: Req(reverse("console:two_factor_verify")),
    "POST console:two_factor_verify": lambda w, r: form(
        reverse("console:two_factor_verify"), {"otp": "000000"}
    ),
    "GET console:import_list": lambda w, r: Req(reverse("console:import_list")),
    "POST console:import_list": lambda w, r: Req(
        reverse("console:import_list"),
        {"campaign": "matrix-upload", "file": _upload()},
        content_type="multipart",
    ),
    "GET console:import_detail": lambda w, r: Req(
        reverse("console:import_detail", args=[w.import_job.pk])
    ),
    "GET console:import_progress": lambda w, r: Req(
        reverse("console:import_progress", args=[w.import_job.pk])
    ),
    "GET console:import_errors": lambda w, r: Req(
        reverse("console:import_errors", args=[w.import_job.pk])
    ),
    "GET console:export_page": lambda w, r: Req(reverse("console:export_page")),
    "GET console:export_leads": lambda w, r: Req(reverse("console:export_leads")),
    "GET console:export_orders": lambda w, r: Req(reverse("console:export_orders")),
    "GET console:kpi_drill": lambda w, r: Req(
        reverse("console:kpi_drill", args=["create_order_pct"])
    ),
    "GET console:kpi_export": lambda w, r: Req(reverse("console:kpi_export", args=["kpis"])),
    "GET console:kpi_audits": lambda w, r: Req(reverse("console:kpi_audits")),
    "POST console:kpi_audits": lambda w, r: form(
        reverse("console:kpi_audits"),
        {"subject": "call", "size": "1", "from": w.month_ago, "to": w.today},
    ),
    "GET console:kpi_audit": lambda w, r: Req(reverse("console:kpi_audit", args=[w.audit.pk])),
    "POST console:kpi_audit": lambda w, r: form(
        reverse("console:kpi_audit", args=[w.audit.pk]),
        {**dict.fromkeys(w.audit_items, "pass"), "notes": "Every pre-check on the call"},
    ),
    "GET console:kpi_audit_export": lambda w, r: Req(reverse("console:kpi_audit_export")),
}


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        "matrix-upload.csv", b"name,phone,source\nNeha Gupta,9812340077,campaign\n", "text/csv"
    )


WHATSAPP_VERIFY_TOKEN = "matrix-verify-token"
WHATSAPP_APP_SECRET = "matrix-app-secret"


def _signed_webhook(w) -> Req:
    """A delivery receipt for Asha's message, signed as Meta signs it."""
    from orderdesk.messaging.rules import webhook_signature

    body = (
        '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages",'
        '"value":{"statuses":[{"id":"wamid.MATRIX","status":"delivered","timestamp":"1700000000",'
        '"recipient_id":"919876543210"}]}}]}]}'
    )
    return Req(
        reverse("webhooks:whatsapp"),
        headers={"X-Hub-Signature-256": webhook_signature(body.encode(), WHATSAPP_APP_SECRET)},
        raw=body,
    )


# ----------------------------------------------------------------------------------------------
# What the project serves: every console URL pattern and every API operation.
# ----------------------------------------------------------------------------------------------

#: Resolvers tested elsewhere: the Django admin (admin users only, its own permissions)
#: and the API (enumerated operation by operation below).
_NOT_CONSOLE_NAMESPACES = {"admin", "api-v1"}


def served_console_names() -> set[str]:
    """Every URL pattern outside the admin and the API: ``namespace:name``, or ``/route`` for
    a pattern without a name."""
    names: set[str] = set()

    def walk(patterns, prefix: str, namespace: str | None):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                if p.namespace in _NOT_CONSOLE_NAMESPACES:
                    continue
                walk(p.url_patterns, route, p.namespace or namespace)
            elif isinstance(p, URLPattern):
                if not p.name:
                    names.add("/" + route)
                else:
                    names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, "", None)
    return names


def served_api_operations() -> set[str]:
    """Every operation of the API: from its routers (hidden ones too) and its OpenAPI document."""
    import re

    from orderdesk.api.api import api

    ops = set()
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            joined = "/".join(part.strip("/") for part in (prefix, path) if part.strip("/"))
            joined = re.sub(r"\{\w+:(\w+)\}", r"{\1}", joined)  # {int:id} -> {id}
            for operation in path_view.operations:
                ops |= {f"{m.upper()} /api/v1/{joined}" for m in operation.methods}
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    ops |= {
        f"{method.upper()} {path}" for path, items in schema["paths"].items() for method in items
    }
    return ops


def test_every_api_operation_has_a_row_in_the_access_matrix():
    missing = sorted(served_api_operations() - set(matrix.API))
    assert not missing, (
        "These API operations have no row in the access matrix:\n  "
        + "\n  ".join(missing)
        + "\nAdd each to API in src/orderdesk/accounts/access_matrix.py, e.g.\n"
        + f'    "{missing[0]}": Entry(("supervisor",)),\n'
        + "and a valid request for it to API_REQUESTS in "
        "src/orderdesk/accounts/tests/test_access_matrix.py."
    )


def test_every_console_page_has_a_row_in_the_access_matrix():
    covered = {key.split(" ", 1)[1] for key in matrix.CONSOLE} | set(matrix.CONSOLE_NOT_IN_MATRIX)
    missing = sorted(served_console_names() - covered)
    assert not missing, (
        "These console URL names have no row in the access matrix:\n  "
        + "\n  ".join(missing)
        + "\nAdd one row per method the page answers to CONSOLE in "
        "src/orderdesk/accounts/access_matrix.py, e.g.\n"
        + f'    "GET {missing[0]}": Entry(("supervisor", "admin")),\n'
        + "and a valid request for it to CONSOLE_REQUESTS in "
        "src/orderdesk/accounts/tests/test_access_matrix.py."
    )


def test_the_matrix_has_no_rows_for_things_not_served_and_every_row_has_a_request():
    stale_api = set(matrix.API) - served_api_operations()
    stale_console = {k for k in matrix.CONSOLE if k.split(" ", 1)[1] not in served_console_names()}
    assert not stale_api | stale_console, (
        f"rows for endpoints no longer served: {stale_api | stale_console}"
    )
    for rows, requests, name in (
        (matrix.API, API_REQUESTS, "API_REQUESTS"),
        (matrix.CONSOLE, CONSOLE_REQUESTS, "CONSOLE_REQUESTS"),
    ):
        without = sorted(set(rows) - set(requests))
        assert not without, (
            f"rows without a request: {without}; add a valid request for each to {name} in "
            "src/orderdesk/accounts/tests/test_access_matrix.py"
        )
        orphans = sorted(set(requests) - set(rows))
        assert not orphans, f"requests in {name} for rows the matrix does not have: {orphans}"


def test_the_cell_count_is_what_docs_security_md_says():
    from pathlib import Path

    count = matrix.cell_count()
    print(f"access matrix: {count} cells")
    docs = Path(__file__).resolve().parents[4] / "docs" / "security.md"
    assert f"**{count} cells**" in docs.read_text(), (
        f"docs/security.md should quote the access matrix size: **{count} cells**"
    )


# ----------------------------------------------------------------------------------------------
# The world, built once for the module.
# ----------------------------------------------------------------------------------------------


def _token_for(user) -> str:
    from orderdesk.accounts.models import ApiToken

    raw = f"od_{secrets.token_urlsafe(32)}"
    ApiToken.objects.create(
        user=user,
        digest=ApiToken.digest_of(raw),
        prefix=raw[:10],
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    return raw


def build_world() -> SimpleNamespace:  # noqa: PLR0915 (one world, every cell's objects)
    from orderdesk.catalog.models import PickupSlot, Vendor
    from orderdesk.core.timeutil import IST, today_ist
    from orderdesk.customers.actions import get_or_create_customer
    from orderdesk.cx import actions as cx
    from orderdesk.flows.contacts import log_contact
    from orderdesk.flows.orders import place_order
    from orderdesk.leads.actions import create_lead
    from orderdesk.leads.seeding import ensure_default_settings
    from orderdesk.messaging.choices import MessageStatus
    from orderdesk.messaging.links import tracking_token
    from orderdesk.messaging.models import Message
    from orderdesk.orders.lifecycle import transition
    from orderdesk.testing.factories import PASSWORD, agent_order_request, make_catalog, make_user

    ensure_default_settings()
    catalog = make_catalog()
    other_vendor = Vendor.objects.create(
        name="Other Vendor", phone="+919800000002", city=catalog["city"]
    )
    other_vendor.pincodes.add(catalog["served"])
    slot = PickupSlot.objects.create(
        city=catalog["city"],
        date=today_ist() + dt.timedelta(days=2),
        window_start=dt.time(10),
        window_end=dt.time(13),
        capacity=50,
    )
    users = {
        "sales": make_user(Role.SALES, "sita"),
        "sales2": make_user(Role.SALES, "sameer"),
        "cx": make_user(Role.CX, "chitra"),
        "ops": make_user(Role.OPS, "om"),
        "supervisor": make_user(Role.SUPERVISOR, "suman"),
        "admin": make_user(Role.ADMIN, "anil"),
        "app": make_user(Role.APP, "customer-app"),
        "vendor": make_user(Role.VENDOR, "vendor-client", vendor=catalog["vendor"]),
        "outsider": make_user(Role.SALES, "olga"),
    }
    tokens = {name: _token_for(user) for name, user in users.items()}
    users["outsider"].is_active = False
    users["outsider"].save(update_fields=["is_active"])

    def request(phone, **changes):
        return agent_order_request(
            catalog, customer_name="Customer", customer_phone=phone, slot_id=slot.pk, **changes
        )

    asha, _ = get_or_create_customer(name="Asha Rao", phone="9876543210")
    # A lead of Asha's for the 128 GB phone, then her order of it: D8 closes that lead for sales.
    closed_lead, _ = create_lead(
        customer=asha, source="app_quote", variant=catalog["v128"], owner=users["sales"]
    )
    order_own = place_order(request("9876543210"), actor=users["sales"], channel="agent")
    transition(order_own, "vendor_assigned", actor=users["ops"], vendor_id=catalog["vendor"].pk)
    order_other = place_order(request("9876543211"), actor=users["sales"], channel="agent")
    transition(order_other, "vendor_assigned", actor=users["ops"], vendor_id=other_vendor.pk)
    order_app = place_order(
        request("9876543212", reason="", consent_confirmed=False, price_confirmed=False),
        actor=users["app"],
        channel="app",
    )
    order_inspected = place_order(request("9876543213"), actor=users["sales"], channel="agent")
    transition(
        order_inspected, "vendor_assigned", actor=users["ops"], vendor_id=catalog["vendor"].pk
    )
    transition(order_inspected, "pickup_scheduled", actor=users["ops"])
    transition(order_inspected, "out_for_pickup", actor=users["ops"])
    transition(
        order_inspected, "inspected", actor=users["ops"], final_price=38000, notes="Back cracked"
    )

    ravi, _ = get_or_create_customer(name="Ravi Kumar", phone="9876500001")
    lead, _ = create_lead(customer=ravi, source="app_quote", owner=users["sales"])
    meena, _ = get_or_create_customer(name="Meena Iyer", phone="9876500002")
    lead_other, _ = create_lead(customer=meena, source="app_quote", owner=users["sales2"])

    # A Will Place Order call logged without its follow-up (D3 lets the agent add it).
    kiran, _ = get_or_create_customer(name="Kiran Rao", phone="9876500003")
    lead_wpo, _ = create_lead(customer=kiran, source="app_quote", owner=users["sales"])
    log_contact(
        lead_wpo,
        agent=users["sales"],
        channel="call",
        direction="inbound",
        connected=True,
        disposition="will_place_order",
        notes="Customer will place the order tonight from the app",
    )
    tomorrow_11 = dt.datetime.combine(today_ist() + dt.timedelta(days=1), dt.time(11), tzinfo=IST)

    ticket = cx.open_ticket(
        type="complaint", customer=asha, created_by=users["cx"], assignee=users["cx"]
    )
    ticket_escalated = cx.open_ticket(
        type="complaint", customer=ravi, created_by=users["cx"], assignee=users["cx"]
    )
    cx.escalate_ticket(ticket_escalated, actor=users["cx"], text="Customer asked for a supervisor")
    resolved = cx.open_ticket(
        type="inquiry", customer=meena, created_by=users["cx"], assignee=users["cx"]
    )
    for kind, text in (
        ("listen", "Customer asked when the pickup is"),
        ("apologise", "Sorry for the wait on this"),
        ("act", "Confirmed tomorrow's slot and told the customer"),
    ):
        cx.record_action(resolved, kind=kind, actor=users["cx"], text=text)
    cx.resolve_ticket(resolved, actor=users["cx"], text="Customer confirmed the slot")
    from orderdesk.cx.models import CsatSurvey

    survey = CsatSurvey.objects.get(ticket=resolved)

    # S4: a customer with nothing the law keeps (no order): erasable.
    erin, _ = get_or_create_customer(name="Erin Das", phone="9812349999")
    # A finished lead import (its page, progress and error report).
    from orderdesk.leads.imports import create_import_job, run_import

    import_job = create_import_job(
        file_name="matrix-campaign.csv",
        data=b"name,phone,source\nNeha Gupta,9812340066,campaign\nBad Row,123,campaign\n",
        actor=users["supervisor"],
    )
    run_import(import_job)
    # An audit of an agent's call, drawn and waiting to be scored.
    from orderdesk.kpis.actions import draw_audit_sample
    from orderdesk.kpis.rules import CHECKLISTS

    (audit,) = draw_audit_sample(
        subject="order",
        size=1,
        drawn_by=users["supervisor"],
        since=today_ist() - dt.timedelta(days=30),
        until=today_ist(),
        seed=1,
    )

    # Asha wrote to us on WhatsApp just now: her conversation is in the CX inbox, in the window.
    from orderdesk.messaging.models import InboundMessage

    whatsapp_thread = InboundMessage.objects.create(
        provider_message_id="wamid.MATRIX-IN",
        from_phone=asha.phone,
        customer=asha,
        body="When is my pickup?",
        received_at=timezone.now(),
    )

    # A storefront visitor: a quote, a verified phone (its web quote) and a code waiting.
    from orderdesk.catalog.actions import create_quote
    from orderdesk.customers import phone_codes
    from orderdesk.storefront import actions as storefront
    from orderdesk.storefront.models import PhoneVerification

    web_quote_of = create_quote(
        variant_id=catalog["v128"].pk, answers={"screen": "flawless", "body": "good"}
    )
    verified = storefront.request_phone_code(name="Web Visitor", phone="9812340088")
    PhoneVerification.objects.filter(pk=verified.pk).update(verified_at=timezone.now())
    verified.refresh_from_db()
    web_quote = storefront.record_web_quote(verification=verified, quote=web_quote_of)
    pending = storefront.request_phone_code(name="Web Visitor", phone="9812340088")
    pending_code = "424242"
    salt = phone_codes.new_salt()
    PhoneVerification.objects.filter(pk=pending.pk).update(
        salt=salt,
        code_hash=phone_codes.code_digest(pending_code, salt),
        # The world lives for the whole module; on a loaded machine that is longer than
        # the code's 10 minutes, and the last storefront:verify cells met an expired code.
        expires_at=timezone.now() + dt.timedelta(days=1),
    )

    # The customer app proved the phone of its order's customer (issue 21, 10).
    from orderdesk.flows.phone_codes import request_phone_code as app_code

    app_proof = app_code(name="Customer", phone="9876543212", door="app")
    salt = phone_codes.new_salt()
    PhoneVerification.objects.filter(pk=app_proof.pk).update(
        salt=salt,
        code_hash=phone_codes.code_digest(APP_CODE, salt),
        verified_at=timezone.now(),
    )

    # Issue 15, 12: the feedback request of an order (answered by reply code or link).
    from orderdesk.orders.actions import feedback_token, open_feedback

    feedback = open_feedback(order_app)

    failed_message = Message.objects.filter(order=order_own).first()
    Message.objects.filter(pk=failed_message.pk).update(status=MessageStatus.FAILED)

    # Outbound webhooks (issue 20): a paused endpoint with one delivered event.
    from orderdesk.webhooks.models import Delivery, Endpoint

    webhook_endpoint = Endpoint.objects.create(
        name="ERP",
        url="https://93.184.215.14/hooks",
        events=["order.created"],
        owner=users["admin"],
        paused_at=timezone.now(),
        paused_reason="20 failed tries in a row",
    )
    webhook_delivery = Delivery.objects.create(
        endpoint=webhook_endpoint,
        event_id="evt_world",
        event_type="order.created",
        body="{}",
        status="delivered",
        attempts=1,
        next_attempt_at=timezone.now(),
        delivered_at=timezone.now(),
    )

    return SimpleNamespace(
        password=PASSWORD,
        catalog=catalog,
        slot=slot,
        users=users,
        tokens=tokens,
        asha=asha,
        lead=lead,
        lead_other=lead_other,
        lead_wpo=lead_wpo,
        follow_up_at=tomorrow_11.strftime("%Y-%m-%dT%H:%M"),
        closed_lead=closed_lead,
        order_own=order_own,
        order_other=order_other,
        order_app=order_app,
        app_proof=app_proof,
        order_inspected=order_inspected,
        ticket=ticket,
        ticket_escalated=ticket_escalated,
        survey=survey,
        survey_phone=meena.phone,
        csat_token=cx.csat_token(survey),
        feedback=feedback,
        feedback_phone=order_app.customer.phone,
        feedback_token=feedback_token(feedback),
        track_token=tracking_token(order_own.number),
        web_quote_id=str(web_quote.quote_id),
        web_quote_pk=web_quote.pk,
        verified_id=verified.pk,
        pending_verification_id=pending.pk,
        pending_code=pending_code,
        inspected_token=tracking_token(order_inspected.number),
        failed_message=failed_message,
        webhook_endpoint=webhook_endpoint,
        webhook_delivery=webhook_delivery,
        whatsapp_thread=whatsapp_thread,
        erin=erin,
        import_job=import_job,
        audit=audit,
        audit_items=[item.key for item in CHECKLISTS[audit.subject]],
        today=today_ist().isoformat(),
        month_ago=(today_ist() - dt.timedelta(days=30)).isoformat(),
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at its end; each cell's
    ``db`` fixture nests a savepoint inside it."""
    from django.conf import settings

    messaging = {
        **settings.ORDERDESK.get("MESSAGING", {}),
        "WHATSAPP_VERIFY_TOKEN": WHATSAPP_VERIFY_TOKEN,
        "WHATSAPP_APP_SECRET": WHATSAPP_APP_SECRET,
    }
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ORDERDESK={**settings.ORDERDESK, "MESSAGING": messaging},
    )
    with django_db_blocker.unblock(), fast:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# ----------------------------------------------------------------------------------------------
# The state a refusal must leave alone.
# ----------------------------------------------------------------------------------------------

_IGNORED = {
    ("accounts", "apitoken"): {"last_used_at"},  # touched by any authenticated call
}
_SKIPPED_MODELS = {("sessions", "session")}  # signing in creates a session; not product state


def database_state() -> dict:
    state = {}
    for model in apps.get_models():
        key = (model._meta.app_label, model._meta.model_name)
        if key in _SKIPPED_MODELS or not model._meta.managed:
            continue
        ignored = _IGNORED.get(key, set())
        fields = [f.attname for f in model._meta.concrete_fields if f.name not in ignored]
        state[key] = sorted(map(repr, model._base_manager.values_list(*fields)))
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    return [".".join(k) for k in before if before[k] != after.get(k)]


# ----------------------------------------------------------------------------------------------
# The cells.
# ----------------------------------------------------------------------------------------------


# S2: what no page or API read may show in full (the world's customers' numbers, UPI IDs).
WORLD_PHONES = ("9876543210", "9876543211", "9876543212", "9876543213", "9876500001", "9876500002")
WORLD_UPI_IDS = ("asha.rao@okaxis",)


# Text that is not a customer's data: the search boxes' help shows an example number.
STATIC_EXAMPLES = ("(98765 43210, +91…)",)


def assert_nothing_leaks(body: str, key: str, req: Req) -> None:
    for text in STATIC_EXAMPLES:
        body = body.replace(text, "")
    for typed in (req.query or {}).values():  # the agent's own search, echoed back
        body = body.replace(str(typed), "")
    for digits in WORLD_PHONES:
        for written in (digits, f"{digits[:5]} {digits[5:]}", f"{digits[:5]}-{digits[5:]}"):
            assert written not in body, f"{key} shows the full phone number {written}"
    for upi in WORLD_UPI_IDS:
        assert upi not in body, f"{key} shows the full UPI ID {upi}"


# S2/S3: reads of personal data in bulk (exports) are audited: these GETs write one event.
AUDITED_READS = {
    "GET console:customer_export": "S4: the customer's data export",
    "GET console:export_leads": "S2: a CSV export of leads",
    "GET console:export_orders": "S2: a CSV export of orders",
    "GET console:kpi_export": "a CSV export of a KPI table",
    "GET console:kpi_audit_export": "a CSV export of audit results",
    "GET console:call_recording": "S3: listening to a call recording",
}

# S3: every allowed POST/PATCH writes at least one audit event, but these, which change nothing.
WRITES_NOTHING = {
    "POST /api/v1/disposition-suggestions": "a suggestion is computed, not stored",
    # Issue 21, 8: an anonymous estimate is counted (a metric), not an audited business write;
    # the endpoint is public and reads no token, so every role's call is anonymous here.
    "POST /api/v1/quotes": "an anonymous quote is counted, not audited",
    "POST storefront:device": "the web estimate is an anonymous quote: counted, not audited",
    "POST console:logout": "ends the session only",
    "POST console:order_wizard_check": "the wizard's early check only reads (a POST keeps "
    "the phone out of URLs and logs)",
    "POST console:two_factor_setup": "a wrong code enrols nothing",
    "POST console:two_factor_verify": "no authenticator yet: sent to enrol, nothing recorded",
    "POST webhooks:whatsapp": "stores the raw signed event; the worker's processing is audited",
    "POST console:ticket_call": "telephony is off in this world: the agent is told so and "
    "nobody is dialled; dialing from a ticket is tested in console/tests/test_calls_console.py",
    "POST console:order_call": "telephony is off in this world: the agent is told so and "
    "nobody is dialled; dialing from the order page is tested in "
    "console/tests/test_calls_console.py",
    "POST console:lead_call": "telephony is off in this world (and calling hours follow the real "
    "clock): the agent is told so and nobody is dialled; dialing is tested with a frozen clock "
    "in leads/tests/test_calls.py",
    "POST storefront:pincode": "a served pincode is kept in the visitor's session only",
    "POST storefront:details": "checked by create_order's gates, kept in the session; the "
    "order is written at the review",
}


def _client(kind: str, role: str, w) -> Client:
    if role == "anonymous":
        return Client()
    if kind == "api":
        return Client(headers={"Authorization": f"Bearer {w.tokens[role]}"})
    client = Client()
    client.force_login(w.users[role])  # the outsider's session names an inactive user
    return client


def _send(client: Client, method: str, req: Req):
    path = req.path
    if req.query:
        from urllib.parse import urlencode

        path = f"{path}?{urlencode(req.query)}"
    if method == "GET":
        return client.get(path, headers=req.headers)
    if req.raw is not None:
        return client.generic(
            method, path, data=req.raw, content_type=req.content_type, headers=req.headers
        )
    if req.content_type == "multipart":
        return client.post(path, data=req.data or {}, headers=req.headers)
    if req.content_type == "form":
        return client.generic(
            method,
            path,
            data=_encode_form(req.data or {}),
            content_type="application/x-www-form-urlencoded",
            headers=req.headers,
        )
    import json

    return client.generic(
        method,
        path,
        data=json.dumps(req.data or {}),
        content_type=req.content_type,
        headers=req.headers,
    )


def _encode_form(data: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(data, doseq=True)


def _cells():
    for key in matrix.API:
        for role in matrix.ROLES:
            yield pytest.param("api", key, role, id=f"{key} as {role}")
    for key in matrix.CONSOLE:
        for role in matrix.ROLES:
            yield pytest.param("console", key, role, id=f"{key} as {role}")


@pytest.mark.parametrize(("kind", "key", "role"), list(_cells()))
def test_cell(world, db, kind, key, role):
    entry = (matrix.API if kind == "api" else matrix.CONSOLE)[key]
    method = key.split(" ", 1)[0]
    recipes = API_REQUESTS if kind == "api" else CONSOLE_REQUESTS
    assert key in recipes, f"{key} has a matrix row but no request: add one to the test module"
    recipe = recipes[key]
    req = recipe(world, role)
    client = _client(kind, role, world)
    if req.session:
        session = client.session
        session.update(req.session)
        session.save()
        if role == "anonymous":
            from django.conf import settings

            client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    if role in entry.allowed:
        events_before = AuditEvent.objects.count()
        response = _send(client, method, req)
        status = response.status_code
        content = b"".join(response) if response.streaming else response.content
        body = content[:400]
        if req.ok:
            assert status in req.ok, (status, body)
        else:
            assert status < 400, (status, body)
        if not req.signs_out:
            assert not (status == 302 and "/console/login/" in response.get("Location", "")), body
        if method == "GET":
            assert_nothing_leaks(content.decode(errors="replace"), key, req)
            if key in AUDITED_READS:
                assert AuditEvent.objects.count() == events_before + 1, f"{key}: not audited"
            else:
                assert AuditEvent.objects.count() == events_before, f"{key}: a read wrote an event"
        elif key not in WRITES_NOTHING:
            assert AuditEvent.objects.count() > events_before, f"{key}: a write wrote no event"
        return

    before = database_state()
    response = _send(client, method, req)
    after = database_state()
    status = response.status_code
    if role in matrix.SIGNED_OUT:
        if kind == "api":
            assert status == 401, (status, response.content[:400])
            assert response["Content-Type"].startswith("application/problem+json")
        else:
            assert status == 302, (status, response.content[:400])
            assert response["Location"].startswith(reverse("console:login")), response["Location"]
    else:
        assert status == 403, (status, response.content[:400])
    assert changed_tables(before, after) == []


# ----------------------------------------------------------------------------------------------
# Object-level rules.
# ----------------------------------------------------------------------------------------------

OBJECT_REQUESTS: dict[str, Callable] = {
    "read another vendor's order": lambda w: ("GET", Req(f"/api/v1/orders/{w.order_other.number}")),
    "move another vendor's order": lambda w: (
        "POST",
        Req(
            f"/api/v1/orders/{w.order_other.number}/transitions",
            {"to": "pickup_scheduled", "slot_id": w.slot.pk},
        ),
    ),
    "list orders sees only its own": lambda w: (
        "GET",
        Req("/api/v1/orders", query={"status": "vendor_assigned"}),
    ),
    "read an order another channel created": lambda w: (
        "GET",
        Req(f"/api/v1/orders/{w.order_own.number}"),
    ),
    "order for an existing customer's phone without its code": lambda w: (
        "POST",
        Req("/api/v1/orders", order_body(w, "9876543211")),
    ),
    "order for an existing customer's phone with another phone's code": lambda w: (
        "POST",
        Req(
            "/api/v1/orders",
            order_body(
                w, "9876543211", phone_verification={"id": w.app_proof.pk, "code": APP_CODE}
            ),
        ),
    ),
    "list every app order": lambda w: (
        "GET",
        Req("/api/v1/orders", query={"status": "vendor_assigned"}),
    ),
    "list a phone's orders without its code": lambda w: (
        "GET",
        Req("/api/v1/orders", query={"phone": "9876543211"}),
    ),
    "log a call on a lead closed for sales": lambda w: (
        "POST",
        Req(
            f"/api/v1/leads/{w.closed_lead.pk}/contacts",
            {
                "channel": "whatsapp",
                "direction": "outbound",
                "connected": True,
                "disposition": "waiting_for_quote",
                "notes": "Customer wants a quote for the 256 GB model first",
            },
        ),
    ),
    "close a lead already closed for sales": lambda w: (
        "POST",
        Req(
            f"/api/v1/leads/{w.closed_lead.pk}/close",
            {"notes": "Customer decided to keep the phone"},
        ),
    ),
    "read another agent's lead": lambda w: ("GET", Req(f"/api/v1/leads/{w.lead_other.pk}")),
    "agree a follow-up on another agent's lead by an inbound contact": lambda w: (
        "POST",
        Req(
            f"/api/v1/leads/{w.lead_other.pk}/contacts",
            {
                "channel": "whatsapp",
                "direction": "inbound",
                "connected": True,
                "disposition": "will_place_order",
                "notes": "Customer will place the order tonight from the app",
                "follow_up": {"at": w.follow_up_at, "permission": True},
            },
        ),
    ),
    "call on another agent's lead": lambda w: (
        "POST",
        Req(
            f"/api/v1/leads/{w.lead_other.pk}/contacts",
            {
                "channel": "call",
                "direction": "outbound",
                "connected": False,
                "disposition": "no_answer",
            },
        ),
    ),
    "open another agent's lead page": lambda w: (
        "GET",
        Req(reverse("console:lead_detail", args=[w.lead_other.pk])),
    ),
    "hand another agent's lead over to CX": lambda w: (
        "POST",
        form(
            reverse("console:lead_handover", args=[w.lead_other.pk]),
            {"type": "complaint", "notes": "Customer says the agent promised a higher price"},
        ),
    ),
    "log a call on a lead closed for sales, in the console": lambda w: (
        "POST",
        form(
            reverse("console:lead_log_contact", args=[w.closed_lead.pk]),
            {
                "channel": "whatsapp",
                "direction": "outbound",
                "connected": "yes",
                "disposition": "waiting_for_quote",
                "notes": "Customer wants a quote for the 256 GB model first",
            },
        ),
    ),
    "reveal the phone of another agent's customer": lambda w: (
        "POST",
        form(
            reverse("console:reveal_phone", args=[w.lead_other.customer_id]),
            {"purpose": "on the call"},
        ),
    ),
    "reveal a phone without a reason": lambda w: (
        "POST",
        form(reverse("console:reveal_phone", args=[w.lead_other.customer_id]), {"purpose": ""}),
    ),
    "reveal the note of another agent's customer": lambda w: (
        "POST",
        form(
            reverse(
                "console:reveal_text",
                args=["ticket_notes", w.lead_other.customer.tickets.first().pk],
            ),
            {"purpose": "on the call"},
        ),
    ),
    "act on a ticket not escalated": lambda w: (
        "POST",
        Req(f"/api/v1/tickets/{w.ticket.pk}/actions", {"kind": "act", "text": "Booked a new slot"}),
    ),
}


@pytest.mark.parametrize(
    "rule", matrix.OBJECT_RULES, ids=lambda r: f"{r.spec}: {r.role} {r.request}"
)
def test_object_rule(world, db, rule):
    method, req = OBJECT_REQUESTS[rule.request](world)
    client = _client(rule.door, rule.role, world)
    before = database_state()
    response = _send(client, method, req)
    after = database_state()
    assert response.status_code == rule.status, response.content[:400]
    # A refusal changes nothing but the record of refusals the rule keeps on purpose.
    if rule.door == "console":
        pass  # the page names the refusal in words; the status is the contract
    elif rule.code:
        codes = [e["code"] for e in response.json().get("errors", [])]
        assert rule.code in codes, response.json()
    else:
        # a list: only the caller's own orders
        numbers = {o["number"] for o in response.json()}
        assert numbers == {world.order_own.number}, numbers
    assert changed_tables(before, after) == list(rule.records)
