"""The roll-up path gives the hand-made world's known answers (test_definitions.py), and
stays exact when later writes change earlier days (an order completes, a ticket breaches)."""

from __future__ import annotations

import pytest

from orderdesk.kpis import rollup
from orderdesk.kpis.definitions import KPIS, Scope, compute_all, compute_all_rollup
from orderdesk.kpis.selectors import scorecard
from orderdesk.kpis.tests.conftest import D1, D2
from orderdesk.kpis.tests.test_definitions import EXPECTED_ALL, EXPECTED_SITA

pytestmark = pytest.mark.django_db


def figures(results):
    return {r.kpi.key: (r.numerator, r.denominator, r.value) for r in results}


def test_rollup_gives_the_known_answers_for_the_floor(world):
    rollup.rebuild()
    got = figures(compute_all_rollup(Scope(D1, D2), refresh=False))
    assert {k: got[k] for k in EXPECTED_ALL} == EXPECTED_ALL


def test_rollup_gives_the_known_answers_for_sita(world, cast):
    rollup.rebuild()
    got = figures(compute_all_rollup(Scope(D1, D2, agent_id=cast["sales"].pk), refresh=False))
    assert {k: got[k] for k in EXPECTED_SITA} == EXPECTED_SITA


def test_rollup_equals_raw_for_every_scope_of_the_world(world, cast):
    rollup.rebuild()
    team_a = cast["sales"].team_id
    import datetime as dt

    scopes = [
        Scope(D1, D2),
        Scope(D1, D1),
        Scope(D2, D2),
        Scope(D1 - dt.timedelta(days=1), D2 + dt.timedelta(days=3)),
        Scope(D1, D2, team_id=team_a),
        Scope(D1, D2, agent_id=cast["sales2"].pk),
        Scope(D1, D2, agent_id=cast["sales2"].pk, team_id=team_a),  # not in the team: nothing
        Scope(D1, D2, city="bengaluru"),
        Scope(D1, D2, city="Mumbai"),
    ]
    for scope in scopes:
        assert figures(compute_all_rollup(scope, refresh=False)) == figures(compute_all(scope)), (
            scope
        )


def test_scorecard_from_rollups_equals_raw(world):
    rollup.rebuild()
    scope = Scope(D1, D2)
    sums = rollup.measures_by_agent(scope)
    for row in scorecard(scope):
        raw = {r.kpi.key: (r.numerator, r.denominator) for r in row.results}
        for kpi in (r.kpi for r in row.results):
            got = kpi.from_measures(sums.get(row.agent.pk, {}))
            assert (got.numerator, got.denominator) == raw[kpi.key], (row.agent, kpi.key)


def test_later_completion_changes_earlier_true_conversion_after_refresh(world):
    """True Conversion uses the order's current status: completing O1 today raises D1-D2."""
    from orderdesk.orders.models import Order

    rollup.rebuild()
    scope = Scope(D1, D2)
    before = figures(compute_all_rollup(scope, refresh=False))["true_conversion_pct"]
    assert before == (1, 6, 16.7)
    o1 = Order.objects.get(pk=world.o1.pk)
    o1.status = "completed"  # what lifecycle.transition ends with; saved, so updated_at moves
    o1.save(update_fields=["status", "updated_at"])
    stale = figures(compute_all_rollup(scope, refresh=False))["true_conversion_pct"]
    assert stale == before  # not refreshed yet
    rollup.refresh()
    after = figures(compute_all_rollup(scope, refresh=False))
    assert after["true_conversion_pct"] == (2, 6, 33.3)
    assert after == figures(compute_all(scope))


def test_sla_breach_written_by_update_is_picked_up(world):
    """The SLA sweep writes breaches with a bare UPDATE (no updated_at): the scan reads the
    breach times themselves."""
    from django.utils import timezone

    from orderdesk.cx.models import Ticket

    rollup.rebuild()
    scope = Scope(D1, D2)
    assert figures(compute_all_rollup(scope, refresh=False))["sla_breach_pct"] == (2, 5, 40.0)
    ticket = Ticket.objects.filter(
        first_response_breached_at=None, resolution_breached_at=None, created_at__gte=scope.since
    ).first()
    Ticket.objects.filter(pk=ticket.pk).update(first_response_breached_at=timezone.now())
    rollup.refresh()
    assert figures(compute_all_rollup(scope, refresh=False)) == figures(compute_all(scope))
    assert figures(compute_all_rollup(scope, refresh=False))["sla_breach_pct"][0] == 3


def test_every_kpi_has_a_rollup_formula():
    for kpi in KPIS:
        for fn in (kpi.numerator, kpi.denominator):
            if fn is not None:
                assert fn.__name__ in rollup.MEASURES_OF or fn.__name__ == rollup.ACCOUNTABLE


def test_rollup_follows_calls_ending_late_and_an_earlier_call_in_the_same_hour(world, cast):
    """Call rows change after the fact (a terminal event applied by the worker, an inbound call
    made from an event that arrived late, a callback): refresh finds them by the events'
    ``processed_at`` and the callbacks' ``done_at``, and recomputes the other calls of the same
    agent-hour (the hour's first call changes)."""
    from django.utils import timezone

    from orderdesk.kpis.tests.conftest import at
    from orderdesk.telephony.models import Call, CallEvent, MissedCallback

    rollup.rebuild()
    now = timezone.now()
    calls = world.calls
    Call.objects.filter(pk=calls.c8.pk).update(
        status="completed", answered_at=at(D2, 18, 1), ended_at=at(D2, 18, 3), talk_seconds=120
    )
    early = Call.objects.create(
        provider="simulator",
        direction="inbound",
        from_number="+919876500005",
        to_number="+918000000000",
        agent=cast["sales"],
        status="no_answer",
        created_at=at(D1, 9, 5),
        ended_at=at(D1, 9, 6),
    )
    for n, call in enumerate((calls.c8, early)):
        CallEvent.objects.create(
            provider="simulator",
            provider_call_id=f"late{n}",
            event="terminal",
            call=call,
            received_at=now,
            processed_at=now,
            outcome="applied",
        )
    missed = Call.objects.create(
        provider="simulator",
        direction="inbound",
        from_number="+919876500006",
        to_number="+918000000000",
        status="no_answer",
        created_at=at(D1, 15),
        ended_at=at(D1, 15, 1),
    )
    MissedCallback.objects.create(
        call=missed, due_at=at(D1, 15, 31), done_at=at(D1, 16, 1), done_call=calls.c3
    )
    MissedCallback.objects.filter(call=missed).update(done_at=now)  # called back just now
    rollup.refresh()
    for scope in (Scope(D1, D2), Scope(D1, D1), Scope(D1, D2, agent_id=cast["sales"].pk)):
        assert figures(compute_all_rollup(scope, refresh=False)) == figures(compute_all(scope))
    got = figures(compute_all_rollup(Scope(D1, D2), refresh=False))
    assert got["answer_rate_pct"] == (5, 10, 50.0)  # + C8 (answered), the early call and M2
    assert got["calls_per_agent_hour"] == (8, 6, 1.33)  # the early call shares C1's hour
