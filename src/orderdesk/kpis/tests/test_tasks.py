"""The worker's roll-up chain: a run refreshes the buckets from what changed."""

from __future__ import annotations

import pytest

from orderdesk.kpis import rollup
from orderdesk.kpis.definitions import Scope, compute_all, compute_all_rollup
from orderdesk.kpis.models import RollupState
from orderdesk.kpis.tests.conftest import D1, D2

pytestmark = pytest.mark.django_db


def test_refresh_task_run_applies_changes(world):
    from orderdesk.kpis.tasks import refresh_rollups_task
    from orderdesk.orders.models import Order

    rollup.rebuild()
    o1 = Order.objects.get(pk=world.o1.pk)
    o1.status = "completed"
    o1.save(update_fields=["status", "updated_at"])
    assert RollupState.objects.get(name="rollup").next_sweep_at is None  # no chain yet
    report = refresh_rollups_task.call(scheduled_for="")
    assert report["sources"]["order"] >= 1 and report["sources"]["lead"] >= 1
    scope = Scope(D1, D2)
    got = {r.kpi.key: r.numerator for r in compute_all_rollup(scope, refresh=False)}
    assert got["true_conversion_pct"] == 2  # O1 completed: L1 now counts
    assert got == {r.kpi.key: r.numerator for r in compute_all(scope)}
