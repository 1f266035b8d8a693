"""Issue 20: an admin registers a webhook endpoint, sees a delivery and its try, and replays
it from the console; the local receiver (a real HTTP server) gets the same event id twice."""

import pytest
from playwright.sync_api import expect

from orderdesk.orders.actions import create_order
from orderdesk.testing.factories import agent_order_request
from orderdesk.webhooks import sender
from orderdesk.webhooks.choices import DeliveryStatus
from orderdesk.webhooks.models import Delivery, Endpoint
from orderdesk.webhooks.receiver import Receiver

pytestmark = pytest.mark.browser


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


def test_admin_registers_an_endpoint_and_replays_a_delivery(
    cast, catalog, page, sign_in, settings, receiver
):
    settings.ORDERDESK = {
        **settings.ORDERDESK,
        "WEBHOOKS": {"ALLOW_PRIVATE_URLS": True, "TIMEOUT_SECONDS": 2},
    }
    sign_in("anil")
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")

    # A refused URL is named beside its field, and nothing is registered.
    page.get_by_label("Name", exact=True).fill("ERP")
    page.get_by_label("URL", exact=True).fill("ftp://erp.example.com/hooks")
    page.get_by_label("Order created").check()
    page.get_by_role("button", name="Register").click()
    expect(page.locator(".field--invalid")).to_contain_text("Only http:// and https://")
    assert Endpoint.objects.count() == 0

    page.get_by_label("URL", exact=True).fill(receiver.url)
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ERP")
    receiver.secret = page.get_by_test_id("webhook-secret").inner_text().strip()
    assert receiver.secret == Endpoint.objects.get().secret

    create_order(agent_order_request(catalog), actor=cast["sales"], channel="agent")
    sender.deliver_due()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED and receiver.bad_signatures == 0

    page.reload()
    row = page.get_by_test_id("webhook-delivery")
    expect(row).to_have_attribute("data-status", "delivered")
    expect(row.get_by_test_id("webhook-attempt")).to_contain_text("200 OK")
    row.get_by_role("button", name="Replay").click()
    expect(page.get_by_test_id("webhook-delivery")).to_have_attribute("data-status", "queued")

    sender.deliver_due()
    page.reload()
    expect(page.get_by_test_id("webhook-attempt")).to_have_count(2)
    assert receiver.received.count(delivery.event_id) == 2
    assert receiver.repeats == [delivery.event_id]
    # The refused registration answered 422 (the form again, with the error): the browser logs
    # that status; anything else (a CSP violation, a script error) fails the test.
    assert [e for e in page.console_errors if "status of 422" not in e] == []
