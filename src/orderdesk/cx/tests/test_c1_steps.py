"""C1: Listen -> Apologise -> Act, each recorded; a ticket is resolved only with an Act."""

import pytest

from orderdesk.core.errors import DomainError
from orderdesk.cx.actions import record_action
from orderdesk.cx.models import Ticket

from .conftest import T0, snapshot, steps


def test_c1_resolve_without_act_is_refused_and_nothing_changes(cast, open_ticket_for):
    ticket = open_ticket_for("complaint")
    steps(ticket, cast["cx"], "listen", "apologise")
    before = snapshot(ticket)
    with pytest.raises(DomainError) as info:
        record_action(
            ticket, kind="resolve", actor=cast["cx"], text="Customer is happy now, all sorted"
        )
    assert (info.value.code, info.value.status) == ("act_required", 422)
    assert snapshot(ticket) == before
    assert Ticket.objects.get(pk=ticket.pk).status == "in_progress"


def test_c1_the_three_steps_then_resolve(cast, open_ticket_for):
    ticket = open_ticket_for("complaint")
    steps(ticket, cast["cx"], "listen", "apologise", "act")
    record_action(
        ticket, kind="resolve", actor=cast["cx"], text="New pickup slot booked and confirmed"
    )
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status, fresh.resolved_by, fresh.assignee) == ("resolved", cast["cx"], cast["cx"])
    kinds = list(fresh.actions.values_list("kind", flat=True))
    assert kinds == ["assign", "listen", "apologise", "act", "resolve"]


def test_c1_act_before_listen_is_refused_and_nothing_changes(cast, open_ticket_for):
    ticket = open_ticket_for("inquiry")
    before = snapshot(ticket)
    with pytest.raises(DomainError) as info:
        steps(ticket, cast["cx"], "act")
    assert info.value.code == "listen_first"
    assert snapshot(ticket) == before


def test_c1_a_grievance_needs_the_apology_before_the_act(cast, open_ticket_for):
    ticket = open_ticket_for("complaint")
    steps(ticket, cast["cx"], "listen")
    before = snapshot(ticket)
    with pytest.raises(DomainError) as info:
        steps(ticket, cast["cx"], "act")
    assert info.value.code == "apology_required"
    assert snapshot(ticket) == before


def test_c1_an_inquiry_needs_no_apology(cast, open_ticket_for):
    ticket = open_ticket_for("inquiry")
    steps(ticket, cast["cx"], "listen", "act")
    record_action(
        ticket, kind="resolve", actor=cast["cx"], text="Explained how inspection pricing works"
    )
    assert Ticket.objects.get(pk=ticket.pk).status == "resolved"


def test_c1_trivial_text_is_refused(cast, open_ticket_for):
    ticket = open_ticket_for("complaint")
    before = snapshot(ticket)
    with pytest.raises(DomainError) as info:
        record_action(ticket, kind="listen", actor=cast["cx"], text="ok done")
    assert (info.value.code, info.value.field) == ("text_required", "text")
    assert snapshot(ticket) == before


def test_c1_after_a_reopen_a_new_act_is_needed_before_resolving_again(cast, open_ticket_for):
    ticket = open_ticket_for("complaint")
    steps(ticket, cast["cx"], "listen", "apologise", "act")
    record_action(
        ticket, kind="resolve", actor=cast["cx"], text="New pickup slot booked and confirmed"
    )
    record_action(
        ticket, kind="reopen", actor=cast["cx"], text="Partner missed the new slot as well"
    )
    before = snapshot(ticket)
    with pytest.raises(DomainError) as info:
        record_action(ticket, kind="resolve", actor=cast["cx"], text="Should be fine now, rebooked")
    assert info.value.code == "act_required"
    assert snapshot(ticket) == before


def test_c1_other_roles_are_refused(cast, open_ticket_for):
    ticket = open_ticket_for("complaint")
    before = snapshot(ticket)
    for who in ("sales", "ops", "supervisor"):
        with pytest.raises(DomainError) as info:
            steps(ticket, cast[who], "listen")
        assert info.value.status == 403
    assert snapshot(ticket) == before


def test_c1_steps_are_audited(cast, open_ticket_for):
    from orderdesk.core.models import AuditEvent

    ticket = open_ticket_for("complaint", now=T0)
    steps(ticket, cast["cx"], "listen")
    assert list(
        AuditEvent.objects.filter(object_type="cx.ticket", object_id=str(ticket.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["ticket.open", "ticket.listen"]
