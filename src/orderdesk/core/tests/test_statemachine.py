"""The one state-machine helper (core/statemachine.py, issue 14 item 3), on its own table.

The machine here is a test's own (over the Lead model, whose status is a plain string), so
the helper is checked apart from the orders, tickets and leads tables that use it. Its
"history table" is the lead's notifications, one row per move.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from orderdesk.core import statemachine as sm
from orderdesk.core.errors import Conflict, ValidationFailed
from orderdesk.core.models import AuditEvent
from orderdesk.leads.actions import create_lead
from orderdesk.leads.choices import LeadStatus, NotificationKind
from orderdesk.leads.models import Lead, Notification
from orderdesk.leads.seeding import ensure_default_settings
from orderdesk.testing.factories import make_customer, make_user

S = LeadStatus
calls: list[str] = []


def _history(change: sm.Change) -> Notification:
    return Notification.objects.create(
        recipient=change.context["recipient"],
        lead=change.obj,
        kind=NotificationKind.FOLLOW_UP_MISSED,
        message=f"{change.frm} -> {change.to}",
    )


def _needs_notes(change: sm.Change) -> None:
    if not change.context.get("notes"):
        raise ValidationFailed("Say why.", code="notes_required", field="notes")


def _bump_priority(change: sm.Change) -> None:
    change.obj.priority += 1
    change.data["priority"] = change.obj.priority
    calls.append("bump")


def _tell(change: sm.Change) -> None:
    calls.append(f"tell:{change.history.pk}")


def _illegal(frm: str, to: str) -> Conflict:
    return Conflict(f"No {frm} -> {to}.", code="lead_transition_invalid", field="status")


MACHINE = sm.Machine(
    name="lead",
    model=Lead,
    table={
        (S.NEW, S.CONTACTING): sm.Move(effects=(_bump_priority,), after=(_tell,)),
        (S.CONTACTING, S.WAITING_FOR_QUOTE): sm.Move(guards=(_needs_notes,)),
    },
    illegal=_illegal,
    snapshot=lambda lead: {"status": lead.status, "priority": lead.priority},
    history=_history,
    audit_action="test_move",
)


@pytest.fixture
def lead(db):
    ensure_default_settings()
    calls.clear()
    lead, _ = create_lead(customer=make_customer(), source="app_quote")
    return lead


@pytest.fixture
def agent(db):
    return make_user("sales", "sm-agent")


def _move(lead, to, **context):
    with transaction.atomic():
        return sm.perform(MACHINE, lead, to, actor=None, context=context)


def test_a_legal_move_writes_the_row_the_history_and_the_audit_exactly_once(lead, agent):
    change = _move(lead, S.CONTACTING, recipient=agent)
    lead.refresh_from_db()
    assert lead.status == S.CONTACTING
    assert lead.priority == change.obj.priority  # the effect's change was written with the status
    assert Notification.objects.filter(lead=lead).count() == 1
    events = AuditEvent.objects.filter(action="lead.test_move", object_id=str(lead.pk))
    assert events.count() == 1
    event = events.get()
    assert event.before == {"status": S.NEW, "priority": lead.priority - 1}
    assert event.after == {"status": S.CONTACTING, "priority": lead.priority}
    # effects ran in order; the outbox-like "after" effect saw the history row
    assert calls == ["bump", f"tell:{change.history.pk}"]


def test_a_move_not_in_the_table_is_refused_with_the_machines_code_and_changes_nothing(lead, agent):
    with pytest.raises(Conflict) as exc:
        _move(lead, S.CLOSED, recipient=agent)
    assert exc.value.code == "lead_transition_invalid"
    assert Lead.objects.get(pk=lead.pk).status == S.NEW
    assert not Notification.objects.filter(lead=lead).exists()
    assert not AuditEvent.objects.filter(action="lead.test_move").exists()


def test_a_guard_refuses_before_anything_is_written(lead, agent):
    _move(lead, S.CONTACTING, recipient=agent)
    with pytest.raises(ValidationFailed) as exc:
        _move(lead, S.WAITING_FOR_QUOTE, recipient=agent)
    assert exc.value.code == "notes_required"
    assert Lead.objects.get(pk=lead.pk).status == S.CONTACTING
    assert Notification.objects.filter(lead=lead).count() == 1
    assert AuditEvent.objects.filter(action="lead.test_move").count() == 1
    _move(lead, S.WAITING_FOR_QUOTE, recipient=agent, notes="wants a price")
    assert Lead.objects.get(pk=lead.pk).status == S.WAITING_FOR_QUOTE


def test_a_stale_move_changes_nothing_and_says_state_changed(lead, agent):
    stale = Lead.objects.get(pk=lead.pk)  # read before someone else moves the lead
    _move(lead, S.CONTACTING, recipient=agent)
    priority = Lead.objects.get(pk=lead.pk).priority
    calls.clear()
    with pytest.raises(Conflict) as exc, transaction.atomic():
        sm.perform(MACHINE, stale, S.CONTACTING, context={"recipient": agent})
    assert exc.value.code == "state_changed"
    assert stale.status == S.NEW  # the in-memory object is not left claiming the move
    assert calls == ["bump"]  # the effect ran, but the row count said no: nothing kept
    assert Lead.objects.get(pk=lead.pk).priority == priority
    assert Notification.objects.filter(lead=lead).count() == 1
    assert AuditEvent.objects.filter(action="lead.test_move").count() == 1


def test_same_state_is_a_no_op_only_when_the_machine_says_so(lead, agent):
    noop = sm.Machine(name="lead", model=Lead, table={}, illegal=_illegal, same_state_noop=True)
    with transaction.atomic():
        assert sm.perform(noop, lead, S.NEW) is None
    with pytest.raises(Conflict), transaction.atomic():
        sm.perform(MACHINE, lead, S.NEW, context={"recipient": agent})


def test_it_runs_only_inside_the_callers_transaction(lead, agent):
    connection = transaction.get_connection()
    in_block = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        with pytest.raises(RuntimeError):
            sm.perform(MACHINE, lead, S.CONTACTING, context={"recipient": agent})
    finally:
        connection.in_atomic_block = in_block


def test_write_fields_limits_the_update_to_the_status_and_those_fields(lead, agent):
    narrow = sm.Machine(
        name="lead",
        model=Lead,
        table={(S.NEW, S.CONTACTING): sm.Move(effects=(_bump_priority,))},
        illegal=_illegal,
        write_fields=(),
        audit_action="",
    )
    with transaction.atomic():
        change = sm.perform(narrow, lead, S.CONTACTING)
    row = Lead.objects.get(pk=lead.pk)
    assert row.status == S.CONTACTING
    assert row.priority == change.obj.priority - 1  # not a written field: the caller saves it
    assert not AuditEvent.objects.filter(action__startswith="lead.transition").exists()


def test_effect_names_are_listed_in_order():
    move = sm.Move(effects=(_bump_priority,), after=(sm.named("tell(x)", _tell),))
    assert move.effect_names() == ("_bump_priority", "tell(x)")


def test_perform_if_current_skips_a_row_moved_meanwhile_and_keeps_the_others(lead, agent):
    stale = Lead.objects.get(pk=lead.pk)
    other, _ = create_lead(customer=make_customer(phone="+919876500002"), source="app_quote")
    _move(lead, S.CONTACTING, recipient=agent)
    with transaction.atomic():  # one batch: the stale row is skipped, the other moves
        skipped = sm.perform_if_current(MACHINE, stale, S.CONTACTING, context={"recipient": agent})
        moved = sm.perform_if_current(MACHINE, other, S.CONTACTING, context={"recipient": agent})
    assert skipped is None and moved is not None
    assert Lead.objects.get(pk=other.pk).status == S.CONTACTING
    assert Notification.objects.filter(lead=lead).count() == 1
    assert AuditEvent.objects.filter(action="lead.test_move").count() == 2
    with pytest.raises(Conflict) as exc, transaction.atomic():  # other refusals still raise
        sm.perform_if_current(MACHINE, other, S.CLOSED, context={"recipient": agent})
    assert exc.value.code == "lead_transition_invalid"
