"""Two agents on the same lead at the same instant: one follow-up, never two (D3), on PostgreSQL."""

import threading

import pytest
from django.db import connection

from orderdesk.core.errors import DomainError
from orderdesk.testing.factories import make_customer

from .conftest import ist


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_d3_two_agents_racing_cannot_both_schedule_the_follow_up():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency guarantees are proven on PostgreSQL")
    from orderdesk.accounts.choices import Role
    from orderdesk.flows.contacts import log_contact
    from orderdesk.leads.actions import create_lead
    from orderdesk.leads.models import ContactAttempt, FollowUp
    from orderdesk.leads.seeding import ensure_default_settings
    from orderdesk.testing.factories import make_user

    ensure_default_settings()
    sita = make_user(Role.SALES, "sita-race")
    customer = make_customer(name="Asha Rao", phone="+919876543210")
    lead, _ = create_lead(customer=customer, source="app_quote", owner=sita)
    # Sita calls the customer while the customer's WhatsApp reaches her in another tab
    # (inbound): both log Customer Will Place Order with a permitted follow-up at the same
    # instant. (A non-owner's inbound contact without a call record no longer schedules the
    # owner's follow-up, issue 21, so the race is the owner's own two contacts.)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(agent, direction, hour):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            log_contact(
                lead.pk,
                agent=agent,
                channel="call" if direction == "outbound" else "whatsapp",
                direction=direction,
                connected=True,
                disposition="will_place_order",
                notes="Customer will place order tonight; agreed to one follow-up tomorrow.",
                follow_up_at=ist(2, hour),
                follow_up_permission=True,
                now=ist(1, 11),
            )
            outcomes.append("scheduled")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=attempt, args=(sita, "outbound", 11)),
        threading.Thread(target=attempt, args=(sita, "inbound", 12)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["followup_limit", "scheduled"]
    assert FollowUp.objects.filter(lead=lead).count() == 1
    assert ContactAttempt.objects.filter(lead=lead).count() == 1
