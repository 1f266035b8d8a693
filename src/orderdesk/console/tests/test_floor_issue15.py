"""Issue 15 items 6-9 in the console: "Close politely" as a button (D4), the customer page
where a lead or an order starts (SOP 001 step 1), sales handing over to CX with the lead
linked and CX reading the lead (SOP 000), D6's order ID checked with M7 at the contact form or
the pickup confirmed instead, and ``?inbound=1`` tied to the live call."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from unittest import mock

import pytest

from orderdesk.core.models import AuditEvent
from orderdesk.core.timeutil import IST
from orderdesk.cx.models import Ticket
from orderdesk.flows.orders import place_order
from orderdesk.leads import actions
from orderdesk.leads.models import ContactAttempt, Lead
from orderdesk.leads.tests.helpers import state
from orderdesk.telephony.models import Call
from orderdesk.testing.factories import agent_order_request, make_customer

pytestmark = pytest.mark.django_db

NOTES = "Customer says the phone is with his brother until Sunday; call not wanted."


def ist(days: int = 0, hour: int = 12, minute: int = 0) -> dt.datetime:
    today = dt.datetime.now(tz=IST).date()
    return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour, minute), tzinfo=IST)


@contextmanager
def frozen(at: dt.datetime):
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield


@pytest.fixture(autouse=True)
def _default_settings(db, settings):
    from orderdesk.leads.seeding import ensure_default_settings

    ensure_default_settings()
    settings.SESSION_COOKIE_AGE = 5 * 24 * 60 * 60


@pytest.fixture
def lead(cast):
    lead, _ = actions.create_lead(
        customer=make_customer(name="Asha Rao", phone="+919876543210"),
        source="app_quote",
        owner=cast["sales"],
    )
    return lead


# --- Item 6: "Close politely" is a button ---------------------------------------------------


def test_d4_close_politely_is_a_button_on_the_lead_page(client_for, lead):
    client = client_for("sales")
    html = client.get(f"/console/leads/{lead.pk}/").content.decode()
    assert 'data-testid="close-politely-button"' in html
    before = state(lead)
    refused = client.post(f"/console/leads/{lead.pk}/close/", {"close_notes": "ok"})
    assert refused.status_code == 422 and 'id="close-notes-error"' in refused.content.decode()
    assert state(lead) == before
    done = client.post(f"/console/leads/{lead.pk}/close/", {"close_notes": NOTES})
    assert done.status_code == 302
    fresh = Lead.objects.get(pk=lead.pk)
    assert (fresh.status, fresh.closed_reason) == ("closed", "closed_politely")
    assert "close-politely-button" not in client.get(f"/console/leads/{lead.pk}/").content.decode()


def test_d4_close_politely_is_refused_on_another_agents_lead(client_for, lead):
    before = state(lead)
    response = client_for("sales2").post(f"/console/leads/{lead.pk}/close/", {"close_notes": NOTES})
    assert response.status_code == 403 and state(lead) == before


def test_d4_lead_page_says_outbound_stops_once_the_follow_up_is_spent(cast, client_for, lead):
    actions.log_contact(
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=True,
        disposition="will_place_order",
        notes="Will place it tonight from the app; follow-up agreed.",
        follow_up_at=ist(1, 11),
        follow_up_permission=True,
        now=ist(0, 11),
    )
    actions.log_contact(
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=False,
        disposition="no_answer",
        now=ist(1, 11, 5),
    )
    client = client_for("sales")
    with frozen(ist(2, 11)):
        html = client.get(f"/console/leads/{lead.pk}/").content.decode()
        response = client.post(
            f"/console/leads/{lead.pk}/contacts/",
            {"channel": "call", "direction": "outbound", "connected": "no", "disposition": "busy"},
        )
    assert 'data-testid="follow-up-spent"' in html
    assert response.status_code == 409 and "one gentle follow-up" in response.content.decode()
    assert ContactAttempt.objects.filter(lead=lead).count() == 2


# --- Item 7: the customer page ----------------------------------------------------------------


def test_15_7_customer_search_links_to_the_customer_page_with_everything(cast, client_for, lead):
    client = client_for("sales")
    results = client.get("/console/tools/customers/", {"q": "98765 43210"}).content.decode()
    assert f'href="/console/customers/{lead.customer_id}/"' in results
    other, _ = actions.create_lead(
        customer=lead.customer, source="web_quote", owner=cast["sales2"], variant=None
    )
    html = client.get(f"/console/customers/{lead.customer_id}/").content.decode()
    for testid in ("customer-leads", "customer-contacts", "customer-orders", "customer-tickets"):
        assert f'data-testid="{testid}"' in html
    assert f'href="/console/leads/{lead.pk}/"' in html
    assert 'data-testid="start-lead-button"' in html
    assert f'href="/console/orders/new/?customer={lead.customer_id}"' in html
    # Every role that talks to customers reads it; ops and admin do not.
    assert client_for("cx").get(f"/console/customers/{lead.customer_id}/").status_code == 200
    assert (
        client_for("supervisor").get(f"/console/customers/{lead.customer_id}/").status_code == 200
    )
    assert client_for("ops").get(f"/console/customers/{lead.customer_id}/").status_code == 403
    assert other.pk == lead.pk  # create_lead reused the open no-device lead


def test_s2_the_customer_page_masks_a_number_in_contact_notes(cast, client_for, lead):
    """Issue 21 (7) on the customer page too: notes that hold a phone number are masked, the
    full text behind the audited reveal, as on the lead page."""
    actions.log_contact(
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=True,
        disposition="waiting_for_quote",
        notes="Call her husband on 98111 22334 for the quote",
        now=ist(0, 11),
    )
    html = client_for("sales").get(f"/console/customers/{lead.customer_id}/").content.decode()
    assert "98111 22334" not in html and "22334" in html  # masked, the tail kept
    assert "/console/text/contact_notes/" in html  # the audited reveal


def test_15_7_a_lead_is_created_from_the_customer_page(cast, client_for):
    customer = make_customer(name="Ravi Kumar", phone="+919876500099")
    client = client_for("sales")
    response = client.post(f"/console/customers/{customer.pk}/lead/", {"source": "inbound_call"})
    lead = Lead.objects.get(customer=customer)
    assert response.status_code == 302 and response["Location"] == f"/console/leads/{lead.pk}/"
    assert (lead.owner, lead.source, lead.status) == (cast["sales"], "inbound_call", "new")
    # A bad source is refused and makes nothing.
    other = make_customer(name="Meena Iyer", phone="+919876500098")
    bad = client.post(f"/console/customers/{other.pk}/lead/", {"source": "campaign"})
    assert bad.status_code == 422 and not Lead.objects.filter(customer=other).exists()
    # CX and supervisors read the page but do not start sales leads.
    assert client_for("cx").post(f"/console/customers/{other.pk}/lead/").status_code == 403
    assert not Lead.objects.filter(customer=other).exists()


def test_15_7_another_agents_open_lead_is_not_taken_from_the_customer_page(cast, client_for, lead):
    response = client_for("sales2").post(f"/console/customers/{lead.customer_id}/lead/")
    assert response.status_code == 302
    assert response["Location"] == f"/console/customers/{lead.customer_id}/"
    assert Lead.objects.get(pk=lead.pk).owner == cast["sales"]
    assert Lead.objects.filter(customer=lead.customer).count() == 1


def test_15_7_order_wizard_starts_from_a_customer_without_a_lead(client_for):
    customer = make_customer(name="Kiran Shetty", phone="+919876500097")
    html = client_for("sales").get(f"/console/orders/new/?customer={customer.pk}").content.decode()
    assert 'value="Kiran Shetty"' in html and "+919876500097" in html


# --- Item 8: sales hands over to CX; CX reads the lead -------------------------------------


def test_15_8_sales_hands_a_complaint_over_to_cx_with_the_lead_linked(cast, client_for, lead):
    client = client_for("sales")
    html = client.get(f"/console/leads/{lead.pk}/").content.decode()
    assert f'href="/console/leads/{lead.pk}/handover/"' in html
    form = client.get(f"/console/leads/{lead.pk}/handover/").content.decode()
    assert 'value="complaint"' in form and 'value="price_dispute"' in form
    response = client.post(
        f"/console/leads/{lead.pk}/handover/",
        {"type": "complaint", "notes": "Customer says the vendor was rude at the last pickup"},
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.type, ticket.lead_id, ticket.customer_id, ticket.created_by) == (
        "complaint",
        lead.pk,
        lead.customer_id,
        cast["sales"],
    )
    assert ticket.assignee_id is None  # CX's queue picks it up


@pytest.mark.parametrize(
    ("data", "field_id"),
    [
        ({"type": "complaint", "notes": "ok"}, "handover-notes-error"),
        ({"type": "inquiry", "notes": "Customer asks how pickup works"}, "type-error"),
        (
            {"type": "price_dispute", "notes": "Customer says the price was cut at pickup"},
            "handover-order-number-error",
        ),
    ],
)
def test_15_8_a_bad_handover_names_the_field_and_opens_nothing(client_for, lead, data, field_id):
    response = client_for("sales").post(f"/console/leads/{lead.pk}/handover/", data)
    assert response.status_code == 422 and f'id="{field_id}"' in response.content.decode()
    assert not Ticket.objects.exists()


def test_15_8_a_second_order_not_found_handover_is_refused_and_opens_nothing(client_for, lead):
    """One open "order not found" case per lead: the database's constraint decides
    (one_active_order_not_found_per_lead), and the refusal leaves the first case alone."""
    client = client_for("sales")
    data = {"type": "order_not_found", "notes": "Customer says they ordered on the app"}
    assert client.post(f"/console/leads/{lead.pk}/handover/", data).status_code == 302
    before = AuditEvent.objects.count()
    again = client.post(f"/console/leads/{lead.pk}/handover/", data)
    assert again.status_code == 409, again.content
    assert Ticket.objects.count() == 1 and AuditEvent.objects.count() == before


def test_15_8_cx_reads_a_leads_contact_history_read_only(cast, client_for, lead):
    actions.log_contact(
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=True,
        disposition="waiting_for_quote",
        notes="Customer wants the price for the 256 GB model first",
        now=ist(0, 11),
    )
    cx = client_for("cx")
    page = cx.get(f"/console/leads/{lead.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="cx-read-only"' in html
    assert "Customer wants the price for the 256 GB model first" in html
    assert f'action="/console/leads/{lead.pk}/contacts/"' not in html
    assert "create-order" not in html and "close-politely-button" not in html
    before = state(lead)
    post = cx.post(
        f"/console/leads/{lead.pk}/contacts/",
        {"channel": "call", "direction": "inbound", "connected": "no", "disposition": "busy"},
    )
    assert post.status_code == 403 and state(lead) == before


def test_15_8_cx_reads_a_lead_over_the_api(api, cast, lead):
    response = api(cast["cx"]).get(f"/api/v1/leads/{lead.pk}")
    assert response.status_code == 200 and response.json()["id"] == lead.pk


# --- Item 9: D6 verifies lightly but correctly ------------------------------------------------

ALREADY = {
    "channel": "call",
    "direction": "outbound",
    "connected": "yes",
    "disposition": "already_ordered",
    "notes": "Customer says the pickup is booked for tomorrow morning.",
}


@pytest.mark.parametrize(
    ("typed", "code_words"),
    [("OD7K3P9XQM", "check character"), ("OD7K3P9", "not an order ID")],
)
def test_d6_a_slip_in_the_order_id_is_caught_at_the_contact_form(
    client_for, lead, typed, code_words
):
    """A mistyped ID used to fall back to the phone silently; now the agent reads it back."""
    before = state(lead)
    with frozen(ist(0, 12)):
        response = client_for("sales").post(
            f"/console/leads/{lead.pk}/contacts/", {**ALREADY, "order_number": typed}
        )
    html = response.content.decode()
    assert response.status_code == 422 and 'id="order-number-error"' in html
    assert code_words in html and "read" in html
    assert state(lead) == before
    assert not Ticket.objects.exists()


def test_d6_the_pickup_slot_and_address_confirm_the_order_instead_of_the_id(
    cast, catalog, client_for
):
    order = place_order(agent_order_request(catalog), actor=cast["sales2"], channel="agent")
    lead, _ = actions.create_lead(customer=order.customer, source="app_quote", owner=cast["sales"])
    client = client_for("sales")
    with frozen(ist(0, 12)):
        html = client.get(f"/console/leads/{lead.pk}/").content.decode()
        assert 'data-testid="pickup-confirm"' in html and "Opposite Forum Mall" in html
        wrong = client.post(
            f"/console/leads/{lead.pk}/contacts/", {**ALREADY, "pickup_confirmed": "OD22222222"}
        )
        assert wrong.status_code == 422 and 'id="pickup-confirmed-error"' in wrong.content.decode()
        response = client.post(
            f"/console/leads/{lead.pk}/contacts/", {**ALREADY, "pickup_confirmed": order.number}
        )
    assert response.status_code == 302
    fresh = Lead.objects.get(pk=lead.pk)
    assert (fresh.status, fresh.order_number) == ("already_ordered", order.number)
    contact = fresh.contacts.get()
    assert contact.order_number == order.number and "pickup slot and address" in contact.notes


# --- ?inbound=1 tied to the live call ---------------------------------------------------------


def test_15_2_inbound_read_of_another_agents_lead_is_audited_without_telephony(client_for, lead):
    response = client_for("sales2").get(f"/console/leads/{lead.pk}/?inbound=1")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="lead.inbound_read", object_id=str(lead.pk)).exists()


def test_15_2_a_refused_inbound_handover_leaves_no_read_row_and_a_refused_read_none_either(
    client_for, lead, settings
):
    """The read is audited on the page (GET); a hand-over POST is audited by its own ticket,
    so a refused one (no notes) writes nothing at all; with telephony on, a read refused for
    want of a live call writes nothing either."""
    client = client_for("sales2")
    before = AuditEvent.objects.count()
    refused = client.post(
        f"/console/leads/{lead.pk}/handover/?inbound=1", {"type": "complaint", "notes": ""}
    )
    assert refused.status_code == 422
    assert AuditEvent.objects.count() == before and not Ticket.objects.exists()
    settings.ORDERDESK = {
        **settings.ORDERDESK,
        "TELEPHONY": {**settings.ORDERDESK["TELEPHONY"], "ENABLED": True},
    }
    assert client.get(f"/console/leads/{lead.pk}/?inbound=1").status_code == 403
    assert AuditEvent.objects.count() == before


def test_15_2_inbound_read_needs_the_agents_live_inbound_call_with_telephony_on(
    cast, client_for, lead, settings
):
    settings.ORDERDESK = {
        **settings.ORDERDESK,
        "TELEPHONY": {**settings.ORDERDESK["TELEPHONY"], "ENABLED": True},
    }
    client = client_for("sales2")
    refused = client.get(f"/console/leads/{lead.pk}/?inbound=1")
    assert refused.status_code == 403 and "answered call" in refused.content.decode()
    now = dt.datetime.now(tz=IST)
    Call.objects.create(
        provider="simulator",
        direction="inbound",
        from_number=lead.customer.phone,
        to_number="+918000000000",
        agent=cast["sales2"],
        customer=lead.customer,
        status="answered",
        created_at=now,
        answered_at=now,
    )
    assert client.get(f"/console/leads/{lead.pk}/?inbound=1").status_code == 200
    # The owner needs no call to open their own lead.
    assert client_for("sales").get(f"/console/leads/{lead.pk}/?inbound=1").status_code == 200
