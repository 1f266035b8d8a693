"""The SLA sweep's bulk paths record history and audit only for the rows they changed, and
every audit row they write goes through ``core.audit.record`` (masking, one path)."""

import datetime as dt

from django.db.models.query import QuerySet

from orderdesk.accounts.signin import audit_lockout
from orderdesk.core import audit
from orderdesk.core.models import AuditEvent
from orderdesk.cx.actions import close_resolved_tickets, record_action, sweep_sla
from orderdesk.cx.models import Ticket, TicketAction

from .conftest import at, steps

PAST_WINDOW = dt.timedelta(days=7, minutes=1)


def _resolved(cast, open_ticket_for):
    ticket = open_ticket_for("inquiry")
    steps(ticket, cast["cx"], "listen", "act")
    record_action(
        ticket, kind="resolve", actor=cast["cx"], text="Explained the pickup process", now=at(5)
    )
    return ticket


def test_closing_leaves_a_ticket_reopened_between_selection_and_update_without_a_close_record(
    cast, open_ticket_for, monkeypatch
):
    reopened = _resolved(cast, open_ticket_for)
    closable = _resolved(cast, open_ticket_for)
    original_update = QuerySet.update
    fired = []

    def update_after_a_reopen(qs, **changes):
        # The moment between the sweep's selection and its UPDATE: the customer calls back
        # and an agent reopens one of the selected tickets.
        if qs.model is Ticket and changes.get("status") == "closed" and not fired:
            fired.append(True)
            original_update(Ticket.objects.filter(pk=reopened.pk), status="reopened")
        return original_update(qs, **changes)

    monkeypatch.setattr(QuerySet, "update", update_after_a_reopen)
    closed = close_resolved_tickets(now=at(5) + PAST_WINDOW)

    assert fired == [True]
    assert closed == 1
    assert Ticket.objects.get(pk=reopened.pk).status == "reopened"
    assert Ticket.objects.get(pk=closable.pk).status == "closed"
    assert list(TicketAction.objects.filter(kind="close").values_list("ticket_id", flat=True)) == [
        closable.pk
    ]
    assert list(
        AuditEvent.objects.filter(action="ticket.close").values_list("object_id", flat=True)
    ) == [str(closable.pk)]


def test_sweep_escalations_and_closes_are_audited_through_record(
    cast, open_ticket_for, monkeypatch
):
    breaching = open_ticket_for("complaint", priority="high")  # first response due in 30 min
    resolved = _resolved(cast, open_ticket_for)
    recorded = []
    real_record = audit.record

    def spy(action, obj, **kwargs):
        recorded.append((action, obj.pk))
        return real_record(action, obj, **kwargs)

    monkeypatch.setattr(audit, "record", spy)
    assert sweep_sla(now=at(31)).escalated == 1
    assert sweep_sla(now=at(5) + PAST_WINDOW).closed == 1

    assert ("ticket.escalate", breaching.pk) in recorded
    assert ("ticket.close", resolved.pk) in recorded
    for action in ("ticket.escalate", "ticket.close"):
        event = AuditEvent.objects.get(action=action)
        assert (event.actor_id, event.actor_label, event.via) == (None, "system", "worker")


def test_lockout_audit_goes_through_record(cast, monkeypatch):
    recorded = []
    real_record = audit.record

    def spy(action, obj, **kwargs):
        recorded.append(action)
        return real_record(action, obj, **kwargs)

    monkeypatch.setattr(audit, "record", spy)
    audit_lockout(sender=None, request=None, username="nobody-here", ip_address="10.0.0.9")

    assert recorded == ["user.locked_out"]
    event = AuditEvent.objects.get(action="user.locked_out")
    assert (event.object_id, event.object_repr, event.via, event.ip, event.actor_label) == (
        "",
        "nobody-here",
        "system",
        "10.0.0.9",
        "system",
    )
