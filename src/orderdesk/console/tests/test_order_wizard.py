"""The manual order wizard (SOP §5 steps 1-7): every step gated, nothing written before the final click."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from orderdesk.catalog.models import DeviceModel, PickupSlot, Variant
from orderdesk.customers.actions import add_address, get_or_create_customer
from orderdesk.leads.actions import create_lead
from orderdesk.leads.models import ContactAttempt
from orderdesk.messaging.models import Message
from orderdesk.orders.actions import create_order
from orderdesk.orders.models import DuplicateAttempt, Order
from orderdesk.testing.factories import agent_order_request

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


# --- issue 18: pre-fill, the early check (X1, serviceability), the slot grid, the read-back -------

CHECK_URL = "/console/orders/new/check/"


def existing_order(catalog, cast, **changes):
    """An open order of Asha's for the 128 GB iPhone 15, placed by another agent (straight
    through ``create_order``: no lead of hers reacts, so the wizard's lead stays open)."""
    return create_order(
        agent_order_request(catalog, slot_id=catalog["evening"].pk, **changes),
        actor=cast["sales"],
        channel="agent",
    )


def hidden(html: str, name: str) -> str | None:
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)">', html)
    return found.group(1) if found else None


def test_the_wizard_from_a_lead_prefills_the_leads_device_and_the_saved_address(
    cast, catalog, lead, client
):
    add_address(
        lead.customer,
        line1="14, 3rd Cross",
        landmark="Forum Mall",
        city="Bengaluru",
        pincode="560034",
    )
    client.force_login(cast["sales"])
    html = client.get(URL, {"lead": lead.pk}).content.decode()
    assert hidden(html, "variant_id") == str(catalog["v128"].pk)
    assert (hidden(html, "line1"), hidden(html, "landmark"), hidden(html, "city")) == (
        "14, 3rd Cross",
        "Forum Mall",
        "Bengaluru",
    )
    assert 'id="early-pincode" name="pincode" value="560034"' in html
    assert "From the customer\u2019s saved address" in html
    # phone, device and pincode are known at step 1: the early check has answered already
    assert "We pick up phones at 560034 (Bengaluru)." in html
    assert "No open order of this customer for this device." in html


def test_a_lead_without_a_device_or_saved_address_prefills_nothing(cast, catalog, client):
    customer, _ = get_or_create_customer(name="Ravi Kumar", phone="9876500000")
    lead, _ = create_lead(customer=customer, source="app_quote", owner=cast["sales"])
    client.force_login(cast["sales"])
    html = client.get(URL, {"lead": lead.pk}).content.decode()
    assert hidden(html, "variant_id") == "" and hidden(html, "line1") == ""
    assert (
        "checked here as soon as the customer\u2019s phone, the device and the pincode are known"
        in html
    )


def test_x1_early_a_duplicate_is_refused_at_the_device_step_with_the_existing_order_linked(
    cast, catalog, client
):
    order = existing_order(catalog, cast)
    client.force_login(cast["cx"])
    before = (Order.objects.count(), DuplicateAttempt.objects.count(), Message.objects.count())
    response = client.post(
        URL,
        {
            "step": "device",
            "action": "next",
            "customer_name": "Asha Rao",
            "customer_phone": "+91 98765-43210",
            "reason": "customer_requested_help",
            "variant_id": catalog["v256"].pk,  # another variant of the same model: same device
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-step="device"' in html
    assert f"already has open order {order.display_number} for this device" in html
    assert "(X1)" not in html  # words, not rule ids
    assert f'href="/console/orders/{order.number}/"' in html
    # advisory and read-only: no order, no recorded attempt (X4 counts refused creates), no message
    assert (
        Order.objects.count(),
        DuplicateAttempt.objects.count(),
        Message.objects.count(),
    ) == before


def test_x1_early_a_duplicate_is_refused_at_step_one_when_the_lead_names_the_device(
    cast, catalog, client
):
    order = existing_order(catalog, cast)
    customer = order.customer
    lead, _ = create_lead(
        customer=customer, source="app_quote", variant=catalog["v128"], owner=cast["sales"]
    )
    client.force_login(cast["sales"])
    start = client.get(URL, {"lead": lead.pk}).content.decode()
    assert f"/console/orders/{order.number}/" in start  # shown before the first click
    response = client.post(
        URL,
        {
            "step": "reason",
            "action": "next",
            "lead_id": lead.pk,
            "reason": "customer_requested_help",
            "variant_id": hidden(start, "variant_id"),
            "pincode": "560034",
        },
    )
    assert response.status_code == 422 and 'data-step="reason"' in response.content.decode()
    assert order.display_number in response.content.decode()


def test_an_order_for_another_device_is_not_a_duplicate(cast, catalog, client):
    existing_order(catalog, cast)
    client.force_login(cast["sales"])
    response = client.post(
        CHECK_URL,
        {"customer_phone": "9876543210", "variant_id": catalog["mac_variant"].pk},
    )
    assert "No open order of this customer for this device." in response.content.decode()


def test_serviceability_early_an_unserved_pincode_is_refused_at_step_one(
    cast, catalog, lead, client
):
    client.force_login(cast["sales"])
    response = client.post(
        URL,
        {
            "step": "reason",
            "action": "next",
            "lead_id": lead.pk,
            "reason": "customer_requested_help",
            "variant_id": catalog["v128"].pk,
            "pincode": "110001",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-step="reason"' in html and "We do not pick up at 110001 yet." in html
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("variant_key", "pincode", "expected"),
    [
        ("v128", "560034", "We pick up phones at 560034 (Bengaluru)."),
        ("v128", "110001", "We do not pick up at 110001 yet."),
        ("mac_variant", "560034", "We do not pick up laptops at 560034."),
        ("v128", "56003", "&#x27;56003&#x27; is not a 6-digit pincode."),
    ],
)
def test_the_early_check_fragment_answers_serviceability(
    cast, catalog, client, variant_key, pincode, expected
):
    client.force_login(cast["sales"])
    response = client.post(
        CHECK_URL,
        {"customer_phone": "9876543210", "variant_id": catalog[variant_key].pk, "pincode": pincode},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="early-check"' in html and "<html" not in html  # a fragment
    assert expected in html


def test_the_early_check_fragment_links_the_existing_order(cast, catalog, client):
    order = existing_order(catalog, cast)
    client.force_login(cast["cx"])
    response = client.post(
        CHECK_URL, {"customer_phone": "098765 43210", "variant_id": catalog["v128"].pk}
    )
    html = response.content.decode()
    assert 'data-testid="early-duplicate"' in html
    assert f'href="/console/orders/{order.number}/"' in html


def test_the_early_check_is_advisory_the_final_create_still_refuses_a_duplicate(
    cast, catalog, lead, client
):
    """The check passed at step 1-2; another agent's order lands before the final click:
    create_order still refuses it (X1 in the database) and only one order stands."""
    client.force_login(cast["sales"])
    _, carried = walk(client, lead, catalog)
    other = existing_order(catalog, cast, customer_phone="9876543210")
    response = client.post(
        URL,
        {
            **carried,
            "step": "review",
            "action": "create",
            "consent_confirmed": "yes",
            "consent_statement": "Yes, please place the order",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert f"already has open order {other.display_number} for Apple iPhone 15" in html
    assert f'href="/console/orders/{other.number}/"' in html  # the existing order, linked
    assert "customer.phone" not in html  # words, not field paths
    assert list(Order.objects.values_list("pk", flat=True)) == [other.pk]


def test_the_slot_step_is_a_day_by_time_grid(cast, catalog, lead, client):
    client.force_login(cast["sales"])
    response, carried = walk(client, lead, catalog)
    response = client.post(URL, {**carried, "step": "payment", "action": "back"})
    html = response.content.decode()
    assert 'data-step="slot"' in html and 'data-testid="slot-grid"' in html
    assert '<th scope="col">10:00-13:00</th>' in html and '<th scope="col">16:00-19:00</th>' in html
    day = catalog["morning"].date.strftime("%a %-d %b")
    assert f'<th scope="row">{day}</th>' in html
    # every radio has its own label naming the day and the window
    for slot in (catalog["morning"], catalog["evening"]):
        assert f'<label class="slot-grid__cell" for="slot-{slot.pk}">' in html
        assert f"{day} · {slot.window} · " in html


def test_the_review_reads_back_everything_including_the_upi_id(cast, catalog, lead, client):
    client.force_login(cast["sales"])
    response, _ = walk(
        client,
        lead,
        catalog,
        pickup={"special_instructions": "Call before coming"},
    )
    html = response.content.decode()
    summary = html.split('data-testid="review-summary"', 1)[1].split("</dl>", 1)[0]
    for expected in (
        "Asha Rao",
        "Customer is not comfortable with the app",
        "Apple iPhone 15 128 GB",
        "Screen condition? Minor scratches",
        "Body condition? No dents",
        "₹45,000",
        "14, 3rd Cross",
        "560034",
        catalog["morning"].window,
        "Call before coming",
        "UPI to asha.rao@okaxis",
    ):
        assert expected in summary, expected


def test_after_creation_the_page_links_the_order_the_lead_and_the_next_lead(
    cast, catalog, lead, client
):
    client.force_login(cast["sales"])
    _, carried = walk(client, lead, catalog)
    created = client.post(
        URL,
        {
            **carried,
            "step": "review",
            "action": "create",
            "consent_confirmed": "yes",
            "consent_statement": "Yes, please place the order",
        },
    )
    order = Order.objects.get()
    html = client.get(created["Location"]).content.decode()
    links = html.split('data-testid="after-order"', 1)[1].split("</nav>", 1)[0]
    assert f'href="/console/orders/{order.number}/"' in links
    assert f'href="/console/leads/{lead.pk}/"' in links
    assert f'href="/console/leads/next/?after={lead.pk}"' in links


@pytest.mark.parametrize("role", ["ops", "supervisor", "admin"])
def test_roles_that_do_not_create_orders_are_refused_the_early_check(cast, catalog, client, role):
    client.force_login(cast[role])
    response = client.post(
        CHECK_URL, {"customer_phone": "9876543210", "variant_id": catalog["v128"].pk}
    )
    assert response.status_code == 403


def test_a_new_callers_pincode_on_step_one_waits_for_the_device(cast, catalog, client):
    """No lead, no device yet: step 1 passes with the pincode carried; the device step then
    answers serviceability for it (here: laptops are not picked up at 560034)."""
    client.force_login(cast["sales"])
    first = {
        "customer_name": "Farah Khan",
        "customer_phone": "9845012345",
        "reason": "technical_issue",
        "pincode": "560034",
    }
    response = client.post(URL, {**first, "step": "reason", "action": "next"})
    assert response.status_code == 200 and 'data-step="device"' in response.content.decode()
    assert hidden(response.content.decode(), "pincode") == "560034"
    refused = client.post(
        URL,
        {**first, "variant_id": catalog["mac_variant"].pk, "step": "device", "action": "next"},
    )
    assert refused.status_code == 422
    assert "We do not pick up laptops at 560034." in refused.content.decode()
    assert counts() == (0, 0, 0)


# --- issue 15, item 11: consent evidence that would hold up in a dispute (M4, M9) ---------


def stamp_of(response) -> dict:
    """The estimate step's signed price confirmation, carried as the browser carries it."""
    found = re.search(r'name="price_confirmation" value="([^"]+)"', response.content.decode())
    return {"price_confirmation": found.group(1)} if found else {}


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
