"""D10: the due queue per agent, missed follow-ups for the supervisor; the lead queue."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from orderdesk.leads import selectors
from orderdesk.leads.actions import create_lead, mark_missed_follow_ups
from orderdesk.leads.choices import FollowUpStatus
from orderdesk.leads.models import FollowUp, Notification
from orderdesk.testing.factories import make_customer

from .conftest import frozen, ist
from .test_log_contact import wpo


@pytest.fixture
def three_leads(cast, catalog):
    leads = []
    for i, variant in enumerate([None, catalog["v128"], None]):
        c = make_customer(name=f"Cust {i}", phone=f"+91987654321{i}")
        lead, _ = create_lead(customer=c, source="app_quote", variant=variant, owner=cast["sales"])
        leads.append(lead)
    return leads


def test_d10_due_follow_ups_are_one_queue_per_agent_by_due_time_then_priority(cast, three_leads):
    normal_a, high, normal_b = three_leads
    wpo(normal_a, cast["sales"], at=ist(1, 10), follow_up_at=ist(2, 11))
    wpo(high, cast["sales"], at=ist(1, 10), follow_up_at=ist(2, 11))
    wpo(normal_b, cast["sales"], at=ist(1, 10), follow_up_at=ist(2, 10, 30))
    queue = list(selectors.due_follow_ups(cast["sales"], now=ist(2, 11, 1)))
    assert [f.lead_id for f in queue] == [normal_b.pk, high.pk, normal_a.pk]
    assert list(selectors.due_follow_ups(cast["sales"], now=ist(2, 10, 59))) == [queue[0]]
    assert list(selectors.due_follow_ups(cast["sales2"], now=ist(2, 12))) == []
    # The lead queue puts leads with a due follow-up first.
    lead_queue = list(selectors.lead_queue(cast["sales"], now=ist(2, 10, 45)))
    assert lead_queue[0].pk == normal_b.pk


def test_d10_missed_follow_ups_are_marked_once_and_shown_to_the_supervisor(cast, three_leads):
    lead = three_leads[0]
    wpo(lead, cast["sales"], at=ist(1, 10), follow_up_at=ist(2, 11))
    assert mark_missed_follow_ups(now=ist(2, 12, 59)) == 0  # within the 120-minute grace
    assert FollowUp.objects.get().status == FollowUpStatus.PENDING
    assert mark_missed_follow_ups(now=ist(2, 13, 0)) == 1
    assert mark_missed_follow_ups(now=ist(2, 14, 0)) == 0  # a second run changes nothing
    missed = list(selectors.missed_follow_ups())
    assert [m.lead_id for m in missed] == [lead.pk]
    assert Notification.objects.get(kind="follow_up_missed").recipient == cast["sales"]
    assert list(selectors.due_follow_ups(cast["sales"], now=ist(2, 14))) == []


def test_d10_the_worker_command_marks_missed_follow_ups(cast, three_leads):
    wpo(three_leads[0], cast["sales"], at=ist(1, 10), follow_up_at=ist(2, 11))
    with frozen(ist(2, 18)):
        call_command("mark_missed_follow_ups")
    assert FollowUp.objects.get().status == FollowUpStatus.MISSED
