"""C2: SLA policies per type and priority; clocks that pause while waiting on the customer; a
breach escalates to a supervisor automatically, exactly once; manual escalation needs a reason."""

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from orderdesk.accounts.models import Team
from orderdesk.core.errors import DomainError
from orderdesk.core.models import AuditEvent
from orderdesk.cx import selectors
from orderdesk.cx.actions import record_action, sweep_sla
from orderdesk.cx.models import SlaPolicy, Ticket, TicketAction

from .conftest import T0, at, snapshot, steps


def test_c2_the_policy_in_force_sets_both_due_times(cast, open_ticket_for):
    ticket = open_ticket_for("complaint", priority="high")
    policy = SlaPolicy.objects.get(ticket_type="complaint", priority="high", version=1)
    assert (ticket.sla_policy, ticket.first_response_minutes, ticket.resolution_minutes) == (
        policy,
        30,
        480,
    )
    assert ticket.first_response_due_at == at(30)
    assert ticket.resolution_due_at == at(480)
    assert ticket.sla_next_due_at == at(30)


def test_c2_a_new_policy_version_applies_to_new_tickets_only(cast, open_ticket_for):
    old = open_ticket_for("inquiry", priority="normal")
    SlaPolicy.objects.create(
        ticket_type="inquiry",
        priority="normal",
        version=2,
        first_response_minutes=10,
        resolution_minutes=100,
        effective_from=at(1),
    )
    new = open_ticket_for("inquiry", priority="normal", now=at(2))
    assert (old.first_response_minutes, new.first_response_minutes) == (60, 10)
    assert Ticket.objects.get(pk=old.pk).first_response_due_at == at(60)


def test_c2_sla_breach_escalates_exactly_once(cast, open_ticket_for):
    ticket = open_ticket_for("complaint", priority="high")  # first response 30 min, resolution 8 h
    assert sweep_sla(now=at(29)).escalated == 0
    first = sweep_sla(now=at(31))
    assert (first.first_response_breaches, first.escalated) == (1, 1)
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status, fresh.escalation_kind, fresh.escalated_to) == (
        "escalated",
        "sla_breach",
        cast["supervisor"],
    )
    assert fresh.first_response_breached_at == at(31)
    assert fresh.sla_next_due_at == at(480)  # the resolution clock still runs
    # again at once, and again after the resolution deadline: no second escalation
    assert sweep_sla(now=at(32)).escalated == 0
    later = sweep_sla(now=at(481))
    assert (later.resolution_breaches, later.escalated) == (1, 0)
    assert sweep_sla(now=at(2000)).examined == 0
    assert TicketAction.objects.filter(ticket=ticket, kind="sla_breach").count() == 1
    assert (
        AuditEvent.objects.filter(action="ticket.escalate", object_id=str(ticket.pk)).count() == 1
    )
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.escalated_at, fresh.resolution_breached_at, fresh.sla_next_due_at) == (
        at(31),
        at(481),
        None,
    )


def test_c2_first_response_stops_that_clock(cast, open_ticket_for):
    ticket = open_ticket_for("complaint", priority="high")
    steps(ticket, cast["cx"], "listen", now=at(10))
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.first_responded_at, fresh.sla_next_due_at) == (at(10), at(480))
    assert sweep_sla(now=at(60)).escalated == 0


def test_c2_clock_pauses_while_waiting_on_the_customer(cast, open_ticket_for):
    ticket = open_ticket_for("complaint", priority="high")  # resolution due at +480
    steps(ticket, cast["cx"], "listen", now=at(5))
    record_action(
        ticket,
        kind="wait",
        actor=cast["cx"],
        text="Asked for a photo of the damaged box",
        now=at(100),
    )
    paused = Ticket.objects.get(pk=ticket.pk)
    assert (paused.status, paused.paused_at, paused.sla_next_due_at) == (
        "waiting_on_customer",
        at(100),
        None,
    )
    # long past the resolution deadline while waiting: nothing breaches, nothing escalates
    report = sweep_sla(now=at(900))
    assert (report.examined, report.escalated) == (0, 0)
    assert selectors.sla_view(paused, now=at(900))["resolution"]["state"] == "paused"
    record_action(
        ticket, kind="resume", actor=cast["cx"], text="Customer sent the photo", now=at(1000)
    )
    resumed = Ticket.objects.get(pk=ticket.pk)
    # the 900 minutes waiting are added to the deadline: 480 + 900
    assert (resumed.status, resumed.paused_seconds) == ("in_progress", 900 * 60)
    assert resumed.resolution_due_at == at(1380)
    assert resumed.sla_next_due_at == at(1380)
    assert sweep_sla(now=at(1379)).escalated == 0
    assert sweep_sla(now=at(1381)).escalated == 1


def test_c2_manual_escalation_needs_a_reason_and_nothing_changes(cast, open_ticket_for):
    ticket = open_ticket_for("complaint")
    before = snapshot(ticket)
    with pytest.raises(DomainError) as info:
        record_action(ticket, kind="escalate", actor=cast["cx"], text="  ")
    assert (info.value.code, info.value.field) == ("escalation_reason_required", "text")
    assert snapshot(ticket) == before


def test_c2_manual_escalation_goes_to_the_team_supervisor_and_a_breach_adds_none(
    cast, open_ticket_for
):
    lead = Team.objects.create(name="CX Bengaluru", supervisor=cast["supervisor"])
    cast["cx"].team = lead
    cast["cx"].save()
    ticket = open_ticket_for("complaint", priority="high")
    record_action(
        ticket,
        kind="escalate",
        actor=cast["cx"],
        text="Customer demands a refund we cannot give at CX level",
        now=at(5),
    )
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status, fresh.escalation_kind, fresh.escalated_to) == (
        "escalated",
        "manual",
        cast["supervisor"],
    )
    assert list(selectors.escalation_queue(cast["supervisor"])) == [fresh]
    before = snapshot(ticket)
    with pytest.raises(DomainError) as info:
        record_action(
            ticket, kind="escalate", actor=cast["cx"], text="Escalating once more, it is urgent"
        )
    assert info.value.code == "already_escalated"
    assert snapshot(ticket) == before
    report = sweep_sla(now=at(31))  # first response breached (escalation is not a response)
    assert (report.first_response_breaches, report.escalated) == (1, 0)
    assert TicketAction.objects.filter(ticket=ticket, kind="sla_breach").count() == 0


def test_c2_a_supervisor_works_an_escalated_ticket(cast, open_ticket_for):
    ticket = open_ticket_for("complaint", priority="high")
    sweep_sla(now=at(31))
    steps(ticket, cast["supervisor"], "listen", "apologise", "act", now=at(40))
    record_action(
        ticket,
        kind="resolve",
        actor=cast["supervisor"],
        text="Supervisor arranged a priority pickup",
        now=at(41),
    )
    assert Ticket.objects.get(pk=ticket.pk).status == "resolved"


def test_c2_queues_mine_unassigned_and_breaching_soon(cast, open_ticket_for):
    mine = open_ticket_for("complaint", priority="high", assignee=cast["cx"], now=T0)
    loose = open_ticket_for("inquiry", priority="low", now=T0)
    assert list(selectors.my_tickets(cast["cx"])) == [mine]
    assert list(selectors.unassigned_tickets()) == [loose]
    assert list(selectors.breaching_soon(now=at(0), within=dt.timedelta(minutes=45))) == [mine]


def test_c2_resolved_tickets_close_after_the_reopen_window(cast, open_ticket_for):
    ticket = open_ticket_for("inquiry")
    steps(ticket, cast["cx"], "listen", "act")
    record_action(
        ticket,
        kind="resolve",
        actor=cast["cx"],
        text="Explained the pickup process fully",
        now=at(5),
    )
    assert sweep_sla(now=at(5) + dt.timedelta(days=6)).closed == 0
    assert sweep_sla(now=at(5) + dt.timedelta(days=7, minutes=1)).closed == 1
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.status == "closed"
    with pytest.raises(DomainError) as info:
        record_action(
            ticket, kind="reopen", actor=cast["cx"], text="Customer called again about it"
        )
    assert info.value.code == "ticket_not_resolved"


def test_c2_the_management_command_sweeps(cast, open_ticket_for, capsys):
    open_ticket_for("complaint", priority="urgent", now=T0 - dt.timedelta(days=1))
    call_command("sla_sweep")
    out = capsys.readouterr().out
    assert "1 escalated" in out
    assert Ticket.objects.get().status == "escalated"


def test_c2_the_worker_task_sweeps_and_schedules_its_successor(cast, open_ticket_for):
    from django_tasks_db.models import DBTaskResult

    from orderdesk.cx.models import SlaSweepState
    from orderdesk.cx.tasks import ensure_sla_sweep, sweep_sla_task

    open_ticket_for("complaint", priority="urgent", now=T0 - dt.timedelta(days=1))
    assert ensure_sla_sweep() is True
    assert ensure_sla_sweep() is False  # a sweep is scheduled: nothing more
    state = SlaSweepState.objects.get()
    result = sweep_sla_task.call(scheduled_for=state.next_sweep_at.isoformat())
    assert result["escalated"] == 1
    assert DBTaskResult.objects.filter(task_path=sweep_sla_task.module_path).count() == 2
    # a stale chain (its scheduled_for no longer matches) ends without sweeping
    assert sweep_sla_task.call(scheduled_for="2000-01-01T00:00:00+00:00") == {"superseded": True}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_c2_two_sweeps_at_once_escalate_each_ticket_exactly_once(cast, customer):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency guarantees are proven on PostgreSQL")
    from orderdesk.cx.actions import open_ticket

    for _ in range(60):
        open_ticket(type="complaint", customer=customer, priority="urgent", now=T0)
    barrier = threading.Barrier(3)
    reports = []

    def run():
        barrier.wait()
        try:
            reports.append(sweep_sla(now=at(20), batch_size=7))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.escalated for r in reports) == 60
    assert TicketAction.objects.filter(kind="sla_breach").count() == 60
    assert Ticket.objects.filter(status="escalated").count() == 60
