"""Issue 14, item 4: authorization lives in the actions, not only in the doors, and D7/D8
happen through ``flows.orders.place_order``. Each refusal changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from orderdesk.core.errors import Forbidden, Unauthenticated
from orderdesk.core.models import AuditEvent
from orderdesk.customers.actions import erase_customer, export_customer_data
from orderdesk.flows.orders import place_order
from orderdesk.kpis.actions import draw_audit_sample
from orderdesk.leads.actions import create_lead
from orderdesk.leads.choices import LeadSource, LeadStatus
from orderdesk.orders.actions import create_order, record_agent_error, restore_agent
from orderdesk.orders.models import AgentError, AgentRestoration, Order
from orderdesk.testing.factories import agent_order_request, make_customer


@pytest.fixture
def order(cast, catalog):
    return create_order(agent_order_request(catalog), actor=cast["sales"], channel="agent")


def test_record_agent_error_refuses_a_role_that_may_not(cast, order):
    events = AuditEvent.objects.count()
    with pytest.raises(Forbidden) as err:
        record_agent_error(order=order, kind="wrong_condition", notes="", recorded_by=cast["cx"])
    assert (err.value.code, err.value.status) == ("forbidden", 403)
    assert AgentError.objects.count() == 0 and AuditEvent.objects.count() == events


def test_restore_agent_needs_agents_manage(cast):
    events = AuditEvent.objects.count()
    with pytest.raises(Forbidden) as err:
        restore_agent(agent=cast["sales"], restored_by=cast["ops"], reason="Retrained on Monday")
    assert err.value.code == "forbidden"
    assert AgentRestoration.objects.count() == 0 and AuditEvent.objects.count() == events


def test_audit_sampling_needs_audits_run(cast):
    today = dt.date(2026, 11, 20)
    with pytest.raises(Forbidden):
        draw_audit_sample(subject="order", size=1, drawn_by=cast["sales"], since=today, until=today)
    with pytest.raises(Unauthenticated):
        draw_audit_sample(subject="order", size=1, drawn_by=None, since=today, until=today)


def test_customer_data_rights_are_checked_in_the_action(cast):
    asha = make_customer()
    events = AuditEvent.objects.count()
    for act in (export_customer_data, erase_customer):
        with pytest.raises(Forbidden):
            act(asha, actor=cast["cx"])
    asha.refresh_from_db()
    assert asha.name == "Asha Rao" and AuditEvent.objects.count() == events


def test_create_order_refuses_a_lead_id_without_the_checked_lead(cast, catalog):
    asha = make_customer()
    lead, _ = create_lead(customer=asha, source=LeadSource.INBOUND_CALL, actor=cast["sales"])
    with pytest.raises(ValueError):
        create_order(
            agent_order_request(catalog, lead_id=lead.pk), actor=cast["sales"], channel="agent"
        )
    assert Order.objects.count() == 0


def test_place_order_closes_the_lead_it_came_from_d7(cast, catalog):
    asha = make_customer()
    lead, _ = create_lead(customer=asha, source=LeadSource.INBOUND_CALL, actor=cast["sales"])
    order = place_order(
        agent_order_request(catalog, lead_id=lead.pk), actor=cast["sales"], channel="agent"
    )
    lead.refresh_from_db()
    assert (lead.status, order.source_lead_id) == (LeadStatus.ORDER_CREATED, lead.pk)
