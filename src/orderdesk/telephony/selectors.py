"""Reads of calls that more than one page needs."""

from __future__ import annotations

from orderdesk.telephony.choices import CallStatus
from orderdesk.telephony.models import Call


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
