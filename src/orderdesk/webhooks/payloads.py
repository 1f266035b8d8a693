"""What a webhook says about an order, a ticket or a lead (the ``data`` of the body).

S2 by default: the customer's name is reduced to initials and the phone masked
(``+91•••••43210``); e-mail is never sent. An endpoint with ``allow_personal_data`` gets
the name and phone in full. Payment details (UPI id, bank account, the payment's reference)
are never sent,
whatever the endpoint is allowed: an integrator has no use for them.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.serializers.json import DjangoJSONEncoder

from orderdesk.core.phones import mask_phone


def _initials(name: str) -> str:
    words = [w for w in (name or "").split() if w]
    return " ".join(f"{w[0]}." for w in words) or ""


def _customer(customer, *, personal: bool) -> dict | None:
    if customer is None:
        return None
    if personal:
        return {"id": customer.pk, "name": customer.name, "phone": customer.phone}
    return {
        "id": customer.pk,
        "name": _initials(customer.name),
        "phone": mask_phone(customer.phone),
        "masked": True,
    }


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, dt.datetime) else None


def order_data(order, *, personal: bool, previous_status: str = "") -> dict:
    data = {
        "order": {
            "number": order.number,
            "status": order.status,
            "channel": order.channel,
            "estimated_price": order.estimated_price,
            "final_price": order.final_price,
            "payment_method": order.payment_method,
            "cancellation_reason": order.cancellation_reason,
            "created_at": _iso(order.created_at),
            "customer": _customer(order.customer, personal=personal),
        }
    }
    if previous_status:
        data["order"]["previous_status"] = previous_status
    return data


def ticket_data(ticket, *, personal: bool, previous_status: str = "") -> dict:
    data = {
        "ticket": {
            "id": ticket.pk,
            "type": ticket.type,
            "status": ticket.status,
            "priority": ticket.priority,
            "channel": ticket.channel,
            "order_number": ticket.order_number,
            "created_at": _iso(ticket.created_at),
            "resolved_at": _iso(ticket.resolved_at),
            "customer": _customer(ticket.customer, personal=personal),
        }
    }
    if previous_status:
        data["ticket"]["previous_status"] = previous_status
    return data


def lead_data(lead, *, personal: bool, previous_status: str = "") -> dict:
    data = {
        "lead": {
            "id": lead.pk,
            "status": lead.status,
            "source": lead.source,
            "closed_reason": lead.closed_reason,
            "closed_at": _iso(lead.closed_at),
            "customer": _customer(lead.customer, personal=personal),
        }
    }
    if previous_status:
        data["lead"]["previous_status"] = previous_status
    return data


BUILDERS = {"order": order_data, "ticket": ticket_data, "lead": lead_data}


def body(
    *, event_id: str, event_type: str, created_at: dt.datetime, obj, personal: bool, frm: str = ""
) -> str:
    """The JSON body, as it is stored, signed and sent (compact, keys sorted)."""
    noun = event_type.split(".", 1)[0]
    data = BUILDERS[noun](obj, personal=personal, previous_status=frm)
    document = {
        "id": event_id,
        "type": event_type,
        "created_at": created_at.isoformat(),
        "personal_data": personal,
        "data": data,
    }
    return json.dumps(document, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"))
