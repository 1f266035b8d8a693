"""The manual order wizard (SOP §5 steps 1-7): every step gated, nothing written before the final click."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from orderdesk.catalog.models import DeviceModel, PickupSlot, Variant
from orderdesk.customers.actions import get_or_create_customer
from orderdesk.leads.actions import create_lead
from orderdesk.leads.models import ContactAttempt
from orderdesk.messaging.models import Message
from orderdesk.orders.models import Order

URL = "/console/orders/new/"


@pytest.fixture
def lead(cast, catalog):
    customer, _ = get_or_create_customer(name="Asha Rao", phone="9876543210")
    lead, _ = create_lead(
        customer=customer, source="app_quote", variant=catalog["v128"], owner=cast["sales"]
    )
    return lead


def walk(client, lead, catalog, **overrides):
    """Post every step in order with good values; returns the last response."""
    steps = [
        ("reason", {"reason": "not_comfortable_with_app"}),
        ("device", {"variant_id": catalog["v128"].pk}),
        ("condition", {"answer_screen": "scratched", "answer_body": "good"}),
        ("estimate", {"price_confirmed": "yes"}),
        (
            "pickup",
            {
                "line1": "14, 3rd Cross",
                "landmark": "Opposite Forum Mall",
                "city": "Bengaluru",
                "pincode": "560034",
            },
        ),
        ("slot", {"slot_id": catalog["morning"].pk}),
        ("payment", {"payment_method": "upi", "upi_id": "asha.rao@okaxis"}),
    ]
    carried = {"lead_id": lead.pk}
    response = None
    for step, values in steps:
        values = {**values, **overrides.get(step, {})}
        carried.update(values)
        response = client.post(URL, {**carried, "step": step, "action": "next"})
        if response.status_code != 200:
            return response, carried
        carried.update(stamp_of(response))
    return response, carried


def stamp_of(response) -> dict:
    """The estimate step's signed price confirmation, carried as the browser carries it."""
    found = re.search(r'name="price_confirmation" value="([^"]+)"', response.content.decode())
    return {"price_confirmation": found.group(1)} if found else {}


def counts():
    return (Order.objects.count(), Message.objects.count(), ContactAttempt.objects.count())


def test_agent_walks_every_step_and_the_order_is_created(cast, catalog, lead, client):
    client.force_login(cast["sales"])
    response, carried = walk(client, lead, catalog)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-step="review"' in html
    assert "Apple iPhone 15 128 GB" in html and "₹45,000" in html and "Opposite Forum Mall" in html
    assert counts() == (0, 0, 0), "nothing is written before the final click"

    created = client.post(
        URL,
        {
            **carried,
            "step": "review",
            "action": "create",
            "consent_confirmed": "yes",
            "consent_statement": "Haan, order place kar do",
        },
    )
    assert created.status_code == 302
    order = Order.objects.get()
    assert created["Location"] == f"/console/orders/{order.number}/created/"
    assert (order.estimated_price, order.reason, order.source_lead_id, order.created_by) == (
        45000,
        "not_comfortable_with_app",
        lead.pk,
        cast["sales"],
    )
    page = client.get(created["Location"]).content.decode()
    assert order.display_number in page
    lead.refresh_from_db()
    assert ContactAttempt.objects.filter(lead=lead, disposition__key="create_order").count() == 1
    assert Message.objects.filter(order=order, kind="order_confirmation").exists()


def test_estimate_step_shows_the_sop_script_with_the_servers_price(cast, catalog, lead, client):
    client.force_login(cast["sales"])
    carried = {
        "lead_id": lead.pk,
        "reason": "technical_issue",
        "variant_id": catalog["v128"].pk,
        "answer_screen": "cracked",
        "answer_body": "good",
    }
    response = client.post(URL, {**carried, "step": "condition", "action": "next"})
    assert (
        "The estimated price showing is ₹30,000. Final price depends on inspection. Are you okay to proceed?"
        in response.content.decode()
    )


@pytest.mark.parametrize(
    ("step", "bad", "message"),
    [
        ("reason", {"reason": ""}, "Choose why you are creating this order"),
        ("condition", {"answer_body": ""}, "is not answered"),
        ("estimate", {"price_confirmed": ""}, "tick when the customer agrees"),
        ("pickup", {"landmark": ""}, "needs a landmark"),
        ("pickup", {"pincode": "110001"}, "We do not pick up at 110001"),
        ("payment", {"upi_id": "asha"}, "is not a UPI ID"),
    ],
)
def test_each_step_is_a_gate(cast, catalog, lead, client, step, bad, message):
    client.force_login(cast["sales"])
    response, _ = walk(client, lead, catalog, **{step: bad})
    assert response.status_code == 422
    html = response.content.decode()
    assert f'data-step="{step}"' in html and message in html
    assert counts() == (0, 0, 0)


def test_no_consent_no_order(cast, catalog, lead, client):
    client.force_login(cast["sales"])
    _, carried = walk(client, lead, catalog)
    response = client.post(
        URL,
        {
            **carried,
            "step": "review",
            "action": "create",
            "consent_statement": "Yes, please place the order",
        },
    )
    assert response.status_code == 422 and "consent" in response.content.decode().lower()
    assert counts() == (0, 0, 0)
    assert PickupSlot.objects.get(pk=catalog["morning"].pk).booked == 0


@pytest.mark.parametrize("role", ["ops", "supervisor", "admin"])
def test_roles_that_do_not_create_orders_are_refused(cast, catalog, lead, client, role):
    client.force_login(cast[role])
    assert client.get(URL, {"lead": lead.pk}).status_code == 403
    assert (
        client.post(
            URL, {"lead_id": lead.pk, "step": "reason", "reason": "technical_issue"}
        ).status_code
        == 403
    )
    assert counts() == (0, 0, 0)


# --- issue 15, item 11: consent evidence that would hold up in a dispute (M4, M9) ---------


def create(client, carried, **extra):
    return client.post(
        URL,
        {
            **carried,
            "step": "review",
            "action": "create",
            "consent_confirmed": "yes",
            "consent_statement": "Haan ji, order kar dijiye",
            **extra,
        },
    )


def test_m4_consent_words_are_typed_not_prefilled(cast, catalog, lead, client):
    client.force_login(cast["sales"])
    response, _ = walk(client, lead, catalog)
    html = response.content.decode()
    field = re.search(r'<input id="consent_statement"[^>]*>', html).group(0)
    assert 'value=""' in field, field
    assert "Yes, please place the order" not in field


def test_m4_the_customers_typed_words_are_the_consent_on_record(cast, catalog, lead, client):
    client.force_login(cast["sales"])
    _, carried = walk(client, lead, catalog)
    assert create(client, carried).status_code == 302
    assert Order.objects.get().consent_statement == "Haan ji, order kar dijiye"


def test_m4_price_confirmation_time_is_when_the_estimate_step_was_confirmed(
    cast, catalog, lead, client
):
    client.force_login(cast["sales"])
    agreed = timezone.now().replace(microsecond=0)
    with time_machine.travel(agreed, tick=False):
        _, carried = walk(client, lead, catalog)
    with time_machine.travel(agreed + dt.timedelta(minutes=7), tick=False):
        assert create(client, carried).status_code == 302
    order = Order.objects.get()
    assert order.price_confirmed_at == agreed
    assert order.consent_at == agreed + dt.timedelta(minutes=7)


@pytest.mark.parametrize("stamp", ["", "forged:value", None])
def test_m4_no_order_without_the_estimate_steps_own_confirmation(
    cast, catalog, lead, client, stamp
):
    client.force_login(cast["sales"])
    _, carried = walk(client, lead, catalog)
    if stamp is None:  # the condition changed after the customer agreed: another price
        carried = {**carried, "answer_screen": "cracked"}
    else:
        carried = {**carried, "price_confirmation": stamp}
    response = create(client, carried)
    assert response.status_code == 422
    assert "has not agreed to this estimate" in response.content.decode()
    assert counts() == (0, 0, 0)


def test_m1_high_end_assisted_is_refused_for_a_model_that_is_not_high_end(
    cast, catalog, lead, client
):
    redmi = DeviceModel.objects.create(
        brand=catalog["v128"].model.brand,
        device_type=catalog["v128"].model.device_type,
        name="Budget 5",
        high_end=False,
    )
    budget = Variant.objects.create(model=redmi, name="64 GB", base_price=8000)
    client.force_login(cast["sales"])
    response, _ = walk(
        client,
        lead,
        catalog,
        reason={"reason": "high_end_assisted"},
        device={"variant_id": budget.pk},
    )
    assert response.status_code == 422
    assert 'data-step="device"' in response.content.decode()
    assert "not a high-end device" in response.content.decode()
    # the same rule at the final gate (the API and every other channel)
    response, carried = walk(client, lead, catalog, reason={"reason": "not_comfortable_with_app"})
    carried = {**carried, "reason": "high_end_assisted", "variant_id": budget.pk}
    assert create(client, carried).status_code == 422
    assert counts() == (0, 0, 0)


def test_m5_review_reads_back_the_price_range_and_special_instructions(cast, catalog, lead, client):
    client.force_login(cast["sales"])
    response, _ = walk(
        client,
        lead,
        catalog,
        pickup={
            "line1": "14, 3rd Cross",
            "landmark": "Opposite Forum Mall",
            "city": "Bengaluru",
            "pincode": "560034",
            "special_instructions": "Call before coming, dog at home",
        },
    )
    html = response.content.decode()
    price = re.search(r'data-testid="review-price">([^<]+)<', html).group(1)
    assert "₹45,000" in price and "between ₹28,000 and ₹50,000" in price
    assert "Call before coming, dog at home" in html
