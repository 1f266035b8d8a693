"""Issue 15, item 12: the post-fulfilment feedback (answers to the feedback request) shows in
the KPIs, exact through the roll-ups (roll-up = raw), including an answer that comes after the
roll-up was built."""

from __future__ import annotations

import pytest

from orderdesk.kpis import rollup
from orderdesk.kpis.definitions import Scope, compute_all, compute_all_rollup
from orderdesk.kpis.drilldown import rows_for
from orderdesk.kpis.tests.conftest import D1, D2, at
from orderdesk.orders.actions import answer_feedback, open_feedback

pytestmark = pytest.mark.django_db


def figures(results):
    return {r.kpi.key: (r.numerator, r.denominator, r.value) for r in results}


def test_feedback_answers_show_in_the_kpi_for_the_agent_and_the_floor(world):
    # O3 (Sita's agent order) rated 5 on D1; O1 (the app's own order) rated 2 on D2.
    answer_feedback(open_feedback(world.o3, now=at(D1, 9)), score=5, via="reply", now=at(D1, 18))
    answer_feedback(open_feedback(world.o1, now=at(D1, 9)), score=2, via="link", now=at(D2, 10))
    floor = figures(compute_all(Scope(D1, D2)))["pickup_feedback_pct"]
    assert floor == (1, 2, 50.0)
    sita = figures(compute_all(Scope(D1, D2, agent_id=world.sita.pk)))["pickup_feedback_pct"]
    assert sita == (1, 1, 100.0)
    assert figures(compute_all(Scope(D2, D2)))["pickup_feedback_pct"][:2] == (0, 1)
    # the drill-down lists the rows behind each figure
    rows = rows_for("feedback_answers", Scope(D1, D2))
    assert sorted(o.order_id for _, qs in rows for o in qs) == sorted([world.o1.pk, world.o3.pk])
    satisfied = rows_for("feedback_satisfied", Scope(D1, D2))
    assert [o.order_id for _, qs in satisfied for o in qs] == [world.o3.pk]


def test_feedback_rollup_equals_raw_and_a_later_answer_is_picked_up(world):
    answer_feedback(open_feedback(world.o3, now=at(D1, 9)), score=4, via="reply", now=at(D1, 18))
    rollup.rebuild()
    scopes = [
        Scope(D1, D2),
        Scope(D1, D1),
        Scope(D1, D2, agent_id=world.sita.pk),
        Scope(D1, D2, team_id=world.sita.team_id),
        Scope(D1, D2, city="bengaluru"),
    ]
    for scope in scopes:
        assert figures(compute_all_rollup(scope, refresh=False)) == figures(compute_all(scope))
    # The app order's customer answers later (the answer writes an order event): refresh.
    answer_feedback(open_feedback(world.o1, now=at(D1, 9)), score=1, via="link", now=at(D2, 11))
    rollup.refresh()
    for scope in scopes:
        assert figures(compute_all_rollup(scope, refresh=False)) == figures(compute_all(scope))
    assert figures(compute_all_rollup(Scope(D1, D2), refresh=False))["pickup_feedback_pct"][:2] == (
        1,
        2,
    )
