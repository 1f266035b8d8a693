"""Issue 18, keyboard first and live queues, in Chromium:

- an agent logs a contact on a lead with the keyboard only: ``n`` opens the next lead, ``l``
  goes to the call panel, radios by arrow keys, text typed (with ``n``, ``l`` and ``/`` in
  it: no shortcut fires while typing), Enter on "Log contact";
- ``?`` opens the shortcuts overlay, a modal dialog that keeps focus inside and closes on
  Esc, focus returning where it was; ``/`` goes to the search;
- the order wizard's Alt+→ and Alt+← are its Next and Back;
- an SLA countdown in the ticket queue ticks.

The server's clock is held (``django.utils.timezone.now`` patched, as in the leads journey:
the live server runs in this process) inside calling hours; the browser's clock only measures
the seconds since the page was drawn.
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.test import Client
from playwright.sync_api import expect

from orderdesk.core.timeutil import IST
from orderdesk.testing.factories import make_customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

T0 = dt.datetime.combine(dt.datetime.now(tz=IST).date(), dt.time(15, 0), tzinfo=IST)


@pytest.fixture
def clock(settings):
    settings.SESSION_COOKIE_AGE = 5 * 24 * 60 * 60
    now = [T0]
    with mock.patch("django.utils.timezone.now", side_effect=lambda: now[0]):
        yield now


@pytest.fixture
def signed_in(page, live_server):
    """signed_in(user): the page carries that user's session (no mouse, no form)."""

    def sign(user):
        client = Client()
        client.force_login(user)
        page.context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        return page

    return sign


@pytest.fixture
def leads(clock, cast):
    from orderdesk.leads.actions import create_lead
    from orderdesk.leads.seeding import ensure_default_settings

    ensure_default_settings()
    kavya = make_customer(name="Kavya Menon", phone="+919812345678")
    lead, _ = create_lead(customer=kavya, source="app_quote", owner=cast["sales"])
    blocked = make_customer(name="Dev Nair", phone="+919812345671")
    blocked.do_not_contact = True
    blocked.save(update_fields=["do_not_contact"])
    create_lead(customer=blocked, source="app_quote", owner=cast["sales"])
    return lead


def focused(page, prop: str = "id") -> str:
    return page.evaluate(f"() => document.activeElement && document.activeElement.{prop}")


def tab_to(page, predicate: str, limit: int = 30) -> None:
    """Press Tab until ``predicate`` (a JS expression over ``el``, the focused element) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({predicate}); }}"):
            return
    raise AssertionError(f"Tab never reached {predicate}")


def test_an_agent_logs_a_contact_with_the_keyboard_only(signed_in, cast, leads):
    from orderdesk.leads.models import ContactAttempt

    page = signed_in(cast["sales"])
    page.goto("/console/leads/")
    expect(page.get_by_test_id("queue-dnc")).to_have_text("Do not contact")

    page.keyboard.press("n")  # the next lead: Kavya (Dev is do-not-contact)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kavya Menon")
    assert page.url.endswith(f"/console/leads/{leads.pk}/")

    page.keyboard.press("l")  # the call panel's first unanswered step
    assert focused(page) == "connected-yes"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # into the Connected outcomes, revealed by the choice
    for _ in range(15):
        if focused(page, "value") == "waiting_for_quote":
            break
        page.keyboard.press("ArrowDown")
    assert focused(page, "value") == "waiting_for_quote"
    page.keyboard.press("Space")

    tab_to(page, "el.id === 'customer-words'")
    page.keyboard.type("pehle bada wala ka price bhejo")
    tab_to(page, "el.id === 'notes'")
    notes = "Wants the 256/512 GB prices on WhatsApp; will call back later. No order yet."
    page.keyboard.type(notes)
    assert page.url.endswith(f"/console/leads/{leads.pk}/")  # n, l and / typed, nothing fired
    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Log contact'")
    page.keyboard.press("Enter")

    expect(page.locator(".messages")).to_contain_text("Logged:")
    contact = ContactAttempt.objects.get(lead=leads)
    assert (contact.disposition.key, contact.connected, contact.notes) == (
        "waiting_for_quote",
        True,
        notes,
    )
    assert page.console_errors == []


def test_question_mark_opens_the_shortcuts_overlay_which_keeps_focus_and_closes_on_esc(
    signed_in, cast, leads
):
    page = signed_in(cast["sales"])
    page.goto(f"/console/leads/{leads.pk}/")
    overlay = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(overlay).to_be_hidden()

    page.keyboard.press("/")  # the header search
    assert focused(page) == "site-search-q"
    page.keyboard.type("?n")  # typed into the search: no overlay, no next lead
    expect(overlay).to_be_hidden()
    expect(page.locator("#site-search-q")).to_have_value("?n")
    page.keyboard.press("Escape")  # leaves the field; shortcuts work again
    assert focused(page, "tagName") == "BODY"

    page.keyboard.press("?")
    expect(overlay).to_be_visible()
    expect(overlay).to_contain_text("Next lead")
    expect(overlay).to_contain_text("Log a contact")
    assert page.evaluate("() => document.getElementById('shortcuts').matches(':modal')")
    for _ in range(4):  # Tab stays inside the modal dialog
        page.keyboard.press("Tab")
        assert page.evaluate(
            "() => !document.activeElement || document.activeElement === document.body"
            " || !!document.activeElement.closest('#shortcuts')"
        )
    page.keyboard.press("n")  # inside the overlay, shortcuts wait
    assert page.url.endswith(f"/console/leads/{leads.pk}/")
    page.keyboard.press("Escape")
    expect(overlay).to_be_hidden()

    # Opened from the footer's button, focus returns to it.
    page.get_by_role("button", name="Keyboard shortcuts").focus()
    page.keyboard.press("Enter")
    expect(overlay).to_be_visible()
    page.keyboard.press("Escape")
    expect(overlay).to_be_hidden()
    assert focused(page, "dataset.shortcutsOpen") == ""

    # Single-key shortcuts can be turned off (WCAG 2.1.4) and back on, from the overlay.
    page.keyboard.press("Enter")
    toggle = overlay.get_by_role("checkbox", name="Single-key shortcuts")
    tab_to(page, "el.id === 'shortcuts-single-keys'")
    page.keyboard.press("Space")
    expect(toggle).not_to_be_checked()
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    page.keyboard.press("n")
    expect(overlay).to_be_hidden()
    assert page.url.endswith(f"/console/leads/{leads.pk}/")
    page.keyboard.press("Enter")  # focus is back on the footer's button
    expect(overlay).to_be_visible()
    tab_to(page, "el.id === 'shortcuts-single-keys'")
    page.keyboard.press("Space")
    expect(toggle).to_be_checked()
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    expect(overlay).to_be_visible()
    assert page.console_errors == []


def test_alt_arrows_are_the_order_wizards_next_and_back(signed_in, cast, leads):
    page = signed_in(cast["sales"])
    page.goto(f"/console/orders/new/?lead={leads.pk}")
    wizard = page.get_by_test_id("order-wizard")
    expect(wizard).to_have_attribute("data-step", "reason")
    page.keyboard.press("Alt+ArrowRight")  # nothing chosen: the step says what is missing
    expect(page.get_by_role("alert")).to_contain_text("This step is not complete")
    expect(wizard).to_have_attribute("data-step", "reason")

    tab_to(page, "el.name === 'reason'")  # the first reason, by keyboard
    page.keyboard.press("Space")
    page.keyboard.press("Alt+ArrowRight")
    expect(wizard).to_have_attribute("data-step", "device")
    page.keyboard.press("Alt+ArrowLeft")  # the wizard's Back, not the browser's
    expect(wizard).to_have_attribute("data-step", "reason")
    assert page.url.endswith("/console/orders/new/")
    # The first refusal's 422 is logged by the browser as a failed resource; nothing else may be.
    assert [e for e in page.console_errors if "status of 422" not in e] == []


def test_an_sla_countdown_ticks_in_the_ticket_queue(signed_in, cast, clock):
    from orderdesk.cx.actions import open_ticket

    customer = make_customer(name="Asha Rao", phone="+919876543210")
    ticket = open_ticket(
        type="inquiry", customer=customer, notes="Where is my pickup?", assignee=cast["cx"]
    )
    clock[0] = ticket.sla_next_due_at - dt.timedelta(minutes=10)
    page = signed_in(cast["cx"])
    page.goto("/console/cx/tickets/?queue=mine")
    countdown = page.get_by_test_id("ticket-table").locator("time[data-countdown]").first
    expect(countdown).to_have_class("clock clock--urgent")
    first = countdown.locator(".clock__text").text_content()
    assert first in ("10 min 00 s left", "9 min 59 s left", "9 min 58 s left")
    expect(countdown.locator(".clock__text")).not_to_have_text(first, timeout=4000)
    assert countdown.locator(".clock__text").text_content().startswith("9 min ")
    assert page.console_errors == []
