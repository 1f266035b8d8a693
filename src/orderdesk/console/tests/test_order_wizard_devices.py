# ruff: noqa: F811  (the lead fixture is imported from test_order_wizard and used as an argument)
"""Issue 15 item 4 in the console wizard: "Add another device" puts a second phone in the
same pickup; the estimate read out is the sum; the order carries both devices."""

import html
import re

import pytest

from orderdesk.catalog.models import Brand, DeviceModel, Variant
from orderdesk.console.tests.test_order_wizard import URL, lead, stamp_of  # noqa: F401 (fixture)
from orderdesk.orders.models import Order

PICKUP = {
    "line1": "14, 3rd Cross",
    "landmark": "Opposite Forum Mall",
    "city": "Bengaluru",
    "pincode": "560034",
}


@pytest.fixture
def galaxy(catalog):
    model = DeviceModel.objects.create(
        brand=Brand.objects.create(name="Samsung"), device_type=catalog["phone"], name="Galaxy S23"
    )
    return Variant.objects.create(model=model, name="8/128 GB", base_price=30000)


def hidden(response, name):
    match = re.search(rf'type="hidden" name="{name}" value="([^"]*)"', response.content.decode())
    return html.unescape(match.group(1)) if match else ""


def test_add_another_device_makes_one_order_with_both_phones(cast, catalog, galaxy, lead, client):
    client.force_login(cast["sales"])
    carried = {"lead_id": lead.pk, "reason": "not_comfortable_with_app"}
    client.post(URL, {**carried, "step": "reason", "action": "next"})
    carried |= {"variant_id": catalog["v128"].pk, "quantity": "1"}
    assert client.post(URL, {**carried, "step": "device", "action": "next"}).status_code == 200
    added = client.post(
        URL,
        {**carried, "answer_screen": "scratched", "answer_body": "good"}
        | {"step": "condition", "action": "add_device"},
    )
    assert added.status_code == 200 and 'data-step="device"' in added.content.decode()
    page = added.content.decode()
    assert 'data-testid="pickup-device"' in page and "Apple iPhone 15 128 GB" in page
    carried["more_devices"] = hidden(added, "more_devices")
    carried |= {"variant_id": galaxy.pk, "quantity": "1"}
    client.post(URL, {**carried, "step": "device", "action": "next"})
    answers = {"answer_screen": "flawless", "answer_body": "good"}
    estimate = client.post(URL, {**carried, **answers, "step": "condition", "action": "next"})
    assert "₹75,000" in estimate.content.decode()  # ₹45,000 + ₹30,000, read out as one figure
    carried |= answers | {"price_confirmed": "yes"} | PICKUP
    for step in ("estimate", "pickup"):
        passed = client.post(URL, {**carried, "step": step, "action": "next"})
        carried |= stamp_of(passed)  # M4: the estimate step's signed confirmation
    carried["slot_id"] = catalog["morning"].pk
    client.post(URL, {**carried, "step": "slot", "action": "next"})
    carried |= {"payment_method": "upi", "upi_id": "asha.rao@okaxis"}
    review = client.post(URL, {**carried, "step": "payment", "action": "next"})
    assert 'data-step="review"' in review.content.decode()
    assert Order.objects.count() == 0
    created = client.post(
        URL,
        {**carried, "step": "review", "action": "create", "consent_confirmed": "yes"}
        | {"consent_statement": "Haan, dono le jao"},
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    order = Order.objects.get()
    assert order.estimated_price == 75000
    assert [(i.variant_id, i.estimated_price) for i in order.items.order_by("position")] == [
        (catalog["v128"].pk, 45000),
        (galaxy.pk, 30000),
    ]


def test_wizard_quantity_is_bounded(cast, catalog, lead, client):
    client.force_login(cast["sales"])
    response = client.post(
        URL,
        {
            "lead_id": lead.pk,
            "reason": "not_comfortable_with_app",
            "variant_id": catalog["v128"].pk,
            "quantity": "9",
            "step": "device",
            "action": "next",
        },
    )
    assert response.status_code == 422 and "from 1 to 5" in response.content.decode()
