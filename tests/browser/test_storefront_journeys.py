"""The customer's own door in Chromium at a phone's size (390x844), issue 19.

1. A customer sells a phone on the web end to end in Hindi.
2. A customer reschedules from the tracking link, then accepts a lower inspected price.
3. A customer who drops after the estimate shows up in an agent's queue.

Every customer page is checked with axe-core (vendored, loaded from our own static files
only by these tests: no page of the product loads it) for serious or critical violations,
and carries no script at all (the budget is 100 KB).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from orderdesk.storefront.text import EN, HI

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = "/static/console/vendor/axe.min.js"


@pytest.fixture
def phone(browser, live_server, settings):
    """A phone-sized tab (390x844, touch) that records console errors (e.g. CSP)."""
    settings.ORDERDESK = {
        **settings.ORDERDESK,
        # The browser fills forms in milliseconds; the fill-time check has its own tests.
        "STOREFRONT": {**settings.ORDERDESK["STOREFRONT"], "MIN_FILL_SECONDS": 0},
    }
    from django.core.cache import caches

    caches["shared"].clear()
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="hi-IN",
    )
    tab = context.new_page()
    tab.console_errors = []
    tab.on(
        "console",
        lambda m: tab.console_errors.append(m.text) if m.type == "error" else None,
    )
    yield tab
    context.close()


def check_page(page) -> None:
    """No script on the page, and axe finds no serious or critical violation.

    Called right after a click that submits a form or follows a link: the next page may not
    have replaced the old one yet (a click does not wait for the navigation it starts), so
    wait until it has loaded; a document caught mid-swap has no <head> to take the tag."""
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            assert page.evaluate("document.scripts.length") == 0
            page.add_script_tag(url=AXE)
            break
        except PlaywrightError:
            if attempt == 2:
                raise
            page.wait_for_timeout(200)
    found = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => v.id + ' ' + v.nodes.map(n => n.target.join(' ')).join(', '));
        }"""
    )
    assert found == [], f"axe on {page.url}: {found}"


def latest_code() -> str:
    from orderdesk.messaging.models import Message

    body = Message.objects.filter(kind="phone_verification").latest("id").body
    return re.search(r"\b(\d{6})\b", body).group(1)


def estimate_and_verify(page, *, t, name: str, phone: str) -> None:
    page.get_by_label(t["search_label"]).fill("iphon 15")
    page.get_by_role("button", name=t["search_button"]).click()
    check_page(page)
    page.get_by_role("link", name=f"128 GB · {t['choose_variant']}").click()
    check_page(page)
    # The catalogue's questions and options in the page's language (catalog text_hi/label_hi).
    hindi = t is HI
    expect(
        page.get_by_role("group", name="स्क्रीन की हालत?" if hindi else "Screen condition?")
    ).to_be_visible()
    page.get_by_label("मामूली खरोंचें" if hindi else "Minor scratches").check()
    page.get_by_label("कोई डेंट नहीं" if hindi else "No dents").check()
    page.get_by_role("button", name=t["questions_button"]).click()
    expect(page.get_by_test_id("estimate")).to_have_text("₹45,000")
    check_page(page)
    page.get_by_label(t["name_label"]).fill(name)
    page.get_by_label(t["phone_label"]).fill(phone)
    page.get_by_role("button", name=t["send_code"]).click()
    expect(page.get_by_test_id("masked-phone")).to_be_visible()
    check_page(page)
    page.get_by_label(t["code_label"]).fill(latest_code())
    page.get_by_role("button", name=t["verify_button"]).click()
    expect(page.get_by_label(t["pincode_label"])).to_be_visible()


def test_a_customer_sells_a_phone_on_the_web_end_to_end_in_hindi(phone, catalog):
    from orderdesk.messaging.models import Message
    from orderdesk.orders.models import Order

    page = phone
    page.goto("/sell/?lang=hi")
    expect(page.get_by_role("heading", level=1)).to_have_text(HI["search_title"])
    check_page(page)
    estimate_and_verify(page, t=HI, name="प्रिया शर्मा", phone="9812345670")
    check_page(page)
    page.get_by_label(HI["pincode_label"]).fill("560034")
    page.get_by_role("button", name=HI["pincode_button"]).click()
    expect(page.get_by_test_id("slot-grid")).to_be_visible()
    check_page(page)
    page.locator("input[name=slot_id]").first.check()
    page.get_by_label(HI["line1_label"]).fill("14, 3rd Cross, 5th Block")
    page.get_by_label(HI["landmark_label"]).fill("Forum Mall ke saamne")
    page.get_by_label(HI["upi_label"]).fill("priya.sharma@okaxis")
    page.get_by_role("button", name=HI["continue"]).click()
    expect(page.get_by_test_id("review")).to_contain_text("₹45,000")
    expect(page.get_by_test_id("review")).not_to_contain_text("priya.sharma@okaxis")
    check_page(page)
    page.get_by_label(HI["consent"]).check()
    page.get_by_role("button", name=HI["place_order"]).click()

    order = Order.objects.get()
    expect(page.get_by_test_id("order-number")).to_have_text(order.display_number)
    check_page(page)
    assert (order.channel, order.customer.language, order.estimated_price) == ("web", "hi", 45000)
    confirmation = Message.objects.get(order=order, kind="order_confirmation", channel="sms")
    assert confirmation.language == "hi" and "/t/" in confirmation.body
    assert page.console_errors == []


def test_a_customer_reschedules_then_accepts_a_lower_inspected_price_from_the_link(
    phone, catalog, cast
):
    from orderdesk.catalog.models import PickupSlot
    from orderdesk.core.timeutil import today_ist
    from orderdesk.messaging.links import tracking_token
    from orderdesk.orders import lifecycle
    from orderdesk.orders.actions import create_order
    from orderdesk.orders.models import OrderEvent
    from orderdesk.testing.factories import agent_order_request

    spare = PickupSlot.objects.create(
        city=catalog["city"],
        date=today_ist() + dt.timedelta(days=2),
        window_start=dt.time(14),
        window_end=dt.time(17),
        capacity=3,
    )
    order = create_order(agent_order_request(catalog), actor=cast["sales"], channel="agent")
    lifecycle.transition(order, "vendor_assigned", actor=cast["ops"])
    lifecycle.transition(order, "pickup_scheduled", actor=cast["ops"])
    page = phone
    link = f"/t/{tracking_token(order.number)}/"

    page.goto(link)
    expect(page.get_by_test_id("status")).to_have_text("Pickup scheduled")
    check_page(page)
    page.get_by_label(f"{spare.date:%a} {spare.date.day} {spare.date:%b} 14:00").check()
    page.get_by_role("button", name=EN["reschedule_button"]).click()
    expect(page.get_by_test_id("done")).to_be_visible()
    expect(page.get_by_test_id("slot")).to_contain_text("14:00")
    order.refresh_from_db()
    assert order.slot_id == spare.pk

    # the vendor comes, inspects, and offers less than the estimate
    lifecycle.transition(order, "out_for_pickup", actor=cast["ops"])
    lifecycle.transition(
        order, "inspected", actor=cast["ops"], final_price=40000, notes="Deep scratch on screen"
    )
    page.goto(link)
    expect(page.get_by_test_id("final-price")).to_have_text("₹40,000")
    check_page(page)
    page.get_by_label(EN["price_words"]).fill("OK, I agree to 40,000 for the scratch")
    page.get_by_role("button", name=EN["accept_button"]).click()
    expect(page.get_by_test_id("done")).to_be_visible()
    check_page(page)
    accepted = OrderEvent.objects.get(order=order, kind="price_accepted")
    assert accepted.note == "OK, I agree to 40,000 for the scratch"
    assert accepted.data["by"] == f"customer:{order.customer_id}"
    # the payment can now be recorded (O4 satisfied)
    paid = lifecycle.transition(order, "paid", actor=cast["ops"], reference="UTR99887766")
    assert paid.status == "paid"
    assert page.console_errors == []


def test_a_customer_who_drops_after_the_estimate_shows_up_in_an_agents_queue(
    phone, catalog, sign_in, page
):
    from orderdesk.leads.seeding import ensure_default_settings
    from orderdesk.storefront.actions import convert_dropped_quotes
    from orderdesk.testing.factories import make_user

    ensure_default_settings()
    make_user("sales", "sita")
    phone.goto("/sell/?lang=en")
    estimate_and_verify(phone, t=EN, name="Rohan Dropped", phone="9812345671")
    phone.close()  # the visitor leaves at the pincode step

    counts = convert_dropped_quotes(now=timezone.now() + dt.timedelta(minutes=61))
    assert counts["lead"] == 1

    sign_in("sita")
    page.goto("/console/leads/")
    unowned = page.get_by_test_id("unowned-leads")
    expect(unowned).to_contain_text("Rohan Dropped")
    expect(unowned).to_contain_text("Quote dropped on the web")
    expect(unowned).to_contain_text("Apple iPhone 15")
