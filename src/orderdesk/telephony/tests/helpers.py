"""Calls placed through the simulator provider without its HTTP service."""

from __future__ import annotations

from unittest import mock

from orderdesk.telephony import actions
from orderdesk.telephony.providers import SimulatorProvider


def placed_call(agent, customer, *, sid: str, context=("", None), now=None):
    """A click-to-call accepted by the provider as ``sid`` (``start_call`` then ``dial``)."""
    call = actions.start_call(
        agent=agent,
        customer_number=customer.phone,
        customer=customer,
        context_kind=context[0],
        context_id=context[1],
        now=now,
    )
    with mock.patch.object(SimulatorProvider, "connect", return_value=sid):
        return actions.dial(call.pk)


def exotel_params(sid: str, kind: str, **extra) -> dict:
    """Exotel's callback fields for ``kind``: ringing, answered, completed, busy, no-answer."""
    base = {"CallSid": sid, "StartTime": "2026-03-10 11:00:00", "CustomField": ""}
    if kind == "ringing":
        return {**base, "Status": "ringing", **extra}
    if kind == "answered":
        return {**base, "EventType": "answered", "Status": "in-progress", **extra}
    if kind == "completed":
        return {
            **base,
            "EventType": "terminal",
            "Status": "completed",
            "EndTime": "2026-03-10 11:01:00",
            "ConversationDuration": "42",
            "RecordingUrl": f"https://recordings.example.test/{sid}.wav",
            **extra,
        }
    return {
        **base,
        "EventType": "terminal",
        "Status": kind,
        "EndTime": "2026-03-10 11:00:30",
        "ConversationDuration": "0",
        **extra,
    }
