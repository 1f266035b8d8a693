"""Reads of calls that more than one page needs."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from orderdesk.telephony import rules
from orderdesk.telephony.choices import AgentState, CallDirection, CallStatus
from orderdesk.telephony.models import AgentPresence, Call, MissedCallback


def calls_about(context_kind: str, context_id: int, *, limit: int = 20) -> list[Call]:
    """The calls about one record, newest first (the lead page's call list)."""
    return list(
        Call.objects.filter(context_kind=context_kind, context_id=context_id)
        .select_related("agent")
        .order_by("-created_at", "-id")[:limit]
    )


def call_to_log(agent, context_kind: str, context_id: int) -> Call | None:
    """The agent's latest call about this record whose outcome is not logged yet (the call
    panel logs the contact against it). A call that never reached the provider is not one."""
    return (
        Call.objects.filter(
            agent=agent,
            context_kind=context_kind,
            context_id=context_id,
            contact_attempt_id__isnull=True,
        )
        .exclude(status=CallStatus.FAILED, provider_call_id="")
        .order_by("-created_at", "-id")
        .first()
    )


def presence_board(agents) -> list[dict]:
    """Each agent's state for the wallboard (``available`` when never set), with the call
    they are on."""
    rows = {
        p.agent_id: p for p in AgentPresence.objects.filter(agent__in=agents).select_related("call")
    }
    board = []
    for agent in agents:
        presence = rows.get(agent.pk)
        board.append(
            {
                "agent": agent,
                "state": presence.state if presence else AgentState.AVAILABLE,
                "state_label": presence.get_state_display()
                if presence
                else AgentState.AVAILABLE.label,
                "since": presence.since if presence else None,
                "call": presence.call if presence else None,
            }
        )
    return board


def call_counts(*, since) -> dict:
    """Calls since ``since``: active now, answered, not answered; missed inbound calls
    waiting for a callback."""
    today = Call.objects.filter(created_at__gte=since)
    return {
        "active": Call.objects.filter(status__in=rules.ACTIVE).count(),
        "answered": today.filter(answered_at__isnull=False).count(),
        "unanswered": today.filter(status__in=rules.UNANSWERED).count(),
        "callbacks_waiting": MissedCallback.objects.filter(done_at__isnull=True).count(),
        "callbacks_overdue": MissedCallback.objects.filter(
            done_at__isnull=True, due_at__lt=timezone.now()
        ).count(),
    }


def inbound_call_for(agent, *, now) -> Call | None:
    """The inbound call the agent is on (or just finished, within two minutes): the
    screen-pop shows it until then."""
    recent = now - dt.timedelta(minutes=2)
    return (
        Call.objects.filter(agent=agent, direction=CallDirection.INBOUND)
        .filter(Q(status__in=rules.ACTIVE) | Q(ended_at__gte=recent))
        .select_related("customer")
        .order_by("-created_at", "-id")
        .first()
    )


def open_callbacks(*, owner=None, limit: int = 100):
    """Missed inbound calls not called back yet, most overdue first."""
    qs = MissedCallback.objects.filter(done_at__isnull=True).select_related(
        "call", "customer", "owner"
    )
    if owner is not None:
        qs = qs.filter(Q(owner=owner) | Q(owner__isnull=True))
    return list(qs.order_by("due_at", "id")[:limit])


def available_agent_phones(*, limit: int = 10) -> list[str]:
    """The phones an inbound call rings: agents available (longest waiting first) who have a
    phone on record and no call in progress."""
    busy = Call.objects.filter(status__in=sorted(rules.ACTIVE), agent__isnull=False).values(
        "agent_id"
    )
    return list(
        AgentPresence.objects.filter(state=AgentState.AVAILABLE, agent__is_active=True)
        .exclude(phone="")
        .exclude(agent_id__in=busy)
        .order_by("since", "agent_id")
        .values_list("phone", flat=True)[:limit]
    )
