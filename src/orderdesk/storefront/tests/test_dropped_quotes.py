"""A verified visitor who got an estimate and did not order within DROPPED_QUOTE_MINUTES
becomes a web_quote lead with the quote attached, in the agents' unowned queue (D9 kept)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from orderdesk.catalog.actions import create_quote
from orderdesk.customers.models import Customer
from orderdesk.leads.models import Lead
from orderdesk.leads.selectors import unowned_leads
from orderdesk.orders.actions import create_order
from orderdesk.storefront import actions
from orderdesk.storefront.models import WebQuote
from orderdesk.testing.factories import agent_order_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def dropped(catalog, sent_code):
    """A verified visitor's estimate (web quote), verified at ``t0``."""
    t0 = timezone.now()
    verification = actions.request_phone_code(name="Ravi Kumar", phone="9812300001", now=t0)
    actions.verify_phone_code(verification.pk, sent_code[-1], now=t0)
    verification.refresh_from_db()
    quote = create_quote(
        variant_id=catalog["v128"].pk, answers={"screen": "cracked", "body": "good"}
    )
    web_quote = actions.record_web_quote(verification=verification, quote=quote, now=t0)
    return web_quote, t0


def test_a_dropped_quote_becomes_a_web_quote_lead_with_the_quote_in_the_agents_queue(dropped):
    web_quote, t0 = dropped
    counts = actions.convert_dropped_quotes(now=t0 + dt.timedelta(minutes=61))
    assert counts == {"lead": 1, "ordered": 0, "skipped": 0}
    lead = Lead.objects.get()
    assert (lead.source, lead.quote_id, lead.variant_id, lead.owner) == (
        "web_quote",
        web_quote.quote_id,
        web_quote.quote.variant_id,
        None,
    )
    assert list(unowned_leads()) == [lead]
    web_quote.refresh_from_db()
    assert (web_quote.outcome, web_quote.lead) == ("lead", lead)
    # run again: nothing more
    assert actions.convert_dropped_quotes(now=t0 + dt.timedelta(minutes=120)) == {
        "lead": 0,
        "ordered": 0,
        "skipped": 0,
    }
    assert Lead.objects.count() == 1


def test_a_quote_younger_than_the_configured_time_is_left_alone(dropped, settings):
    _, t0 = dropped
    assert actions.convert_dropped_quotes(now=t0 + dt.timedelta(minutes=59))["lead"] == 0
    settings.ORDERDESK = {
        **settings.ORDERDESK,
        "STOREFRONT": {**settings.ORDERDESK["STOREFRONT"], "DROPPED_QUOTE_MINUTES": 30},
    }
    assert actions.convert_dropped_quotes(now=t0 + dt.timedelta(minutes=31))["lead"] == 1


def test_a_visitor_who_ordered_the_device_another_way_is_not_a_lead(dropped, catalog, cast):
    create_order(
        agent_order_request(catalog, customer_phone="9812300001"),
        actor=cast["sales"],
        channel="agent",
    )
    counts = actions.convert_dropped_quotes(now=timezone.now() + dt.timedelta(minutes=61))
    assert counts == {"lead": 0, "ordered": 1, "skipped": 0}
    assert not Lead.objects.filter(source="web_quote").exists()


def test_d9_a_do_not_contact_visitor_is_never_made_a_sales_lead(dropped):
    web_quote, t0 = dropped
    Customer.objects.filter(pk=web_quote.customer_id).update(do_not_contact=True)
    counts = actions.convert_dropped_quotes(now=t0 + dt.timedelta(minutes=61))
    assert counts == {"lead": 0, "ordered": 0, "skipped": 1}
    assert not Lead.objects.exists()
    assert WebQuote.objects.get().note.startswith("do-not-contact")
