"""The leads console (SPEC §3, §10): the queue and search, logging a call through the call
panel (refusals beside their fields, nothing changed), role refusals, the supervisor's
oversight, and the training card built from the policy in force."""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from unittest import mock

import pytest

from orderdesk.core.timeutil import IST
from orderdesk.customers.models import Customer
from orderdesk.leads import actions
from orderdesk.leads.models import ContactAttempt, ContactPolicy, ContactRefusal, FollowUp, Lead
from orderdesk.leads.tests.helpers import state
from orderdesk.testing.factories import make_customer

pytestmark = pytest.mark.django_db


def ist(days: int = 0, hour: int = 12, minute: int = 0) -> dt.datetime:
    today = dt.datetime.now(tz=IST).date()
    return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour, minute), tzinfo=IST)


@contextmanager
def frozen(at: dt.datetime):
    """Hold ``django.utils.timezone.now`` at ``at`` for the views (and the actions they call)."""
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield


@pytest.fixture(autouse=True)
def _default_settings(db, settings):
    from orderdesk.leads.seeding import ensure_default_settings

    ensure_default_settings()
    # The clock is held at fixed IST times up to two days from today (``frozen``); a session
    # made on the real clock must still be valid then.
    settings.SESSION_COOKIE_AGE = 5 * 24 * 60 * 60


def customer(name: str, phone: str) -> Customer:
    return make_customer(name=name, phone=phone)


@pytest.fixture
def lead(cast):
    lead, _ = actions.create_lead(
        customer=customer("Asha Rao", "+919876543210"), source="app_quote", owner=cast["sales"]
    )
    return lead


def queue_ids(html: str) -> list[int]:
    table = html.split('data-testid="lead-queue"', 1)[1].split("</table>", 1)[0]
    return [int(pk) for pk in re.findall(r'href="/console/leads/(\d+)/"', table)]


def wpo(lead, agent, *, at, due):
    return actions.log_contact(
        lead,
        agent=agent,
        channel="call",
        direction="outbound",
        connected=True,
        disposition="will_place_order",
        notes="Will place it tonight from the app; follow-up agreed.",
        follow_up_at=due,
        follow_up_permission=True,
        now=at,
    )


CALL = {
    "channel": "call",
    "direction": "outbound",
    "connected": "yes",
    "disposition": "will_place_order",
    "notes": "Customer will place order themselves today. Asked for follow-up tomorrow 11 AM.",
    "customer_words": "I'll place it tonight from the app",
}


# --- The queue and search -----------------------------------------------------------------


def test_queue_puts_due_follow_ups_first_then_high_end_then_oldest(cast, catalog, client_for):
    sales = cast["sales"]
    with frozen(ist(-1, 10)):
        old, _ = actions.create_lead(
            customer=customer("Old Normal", "+919811100001"), source="app_quote", owner=sales
        )
    with frozen(ist(-1, 11)):
        high, _ = actions.create_lead(
            customer=customer("New Highend", "+919811100002"),
            source="app_quote",
            owner=sales,
            variant=catalog["v128"],
        )
    with frozen(ist(-1, 12)):
        due, _ = actions.create_lead(
            customer=customer("Due Followup", "+919811100003"), source="app_quote", owner=sales
        )
    wpo(due, sales, at=ist(-1, 15), due=ist(0, 11))
    other, _ = actions.create_lead(
        customer=customer("Not Mine", "+919811100004"), source="app_quote", owner=cast["sales2"]
    )
    unowned, _ = actions.create_lead(
        customer=customer("Nobody Yet", "+919811100005"), source="web_quote"
    )

    with frozen(ist(0, 11, 5)):
        html = client_for("sales").get("/console/leads/").content.decode()

    assert queue_ids(html) == [due.pk, high.pk, old.pk]
    assert "1 due now" in html
    unowned_table = html.split('data-testid="unowned-leads"', 1)[1].split("</table>", 1)[0]
    assert f'href="/console/leads/{unowned.pk}/"' in unowned_table
    assert f"/console/leads/{other.pk}/" not in html


def test_follow_up_not_yet_due_is_not_marked_due(cast, client_for, lead):
    wpo(lead, cast["sales"], at=ist(-1, 15), due=ist(0, 11))
    with frozen(ist(0, 10, 59)):
        html = client_for("sales").get("/console/leads/").content.decode()
    assert "due now" not in html
    assert queue_ids(html) == [lead.pk]


def test_sales_home_shows_the_queue_instead_of_the_placeholder(cast, client_for, lead):
    html = client_for("sales").get("/console/sales/").content.decode()
    assert "Not built yet" not in html
    assert 'data-testid="home-lead-queue"' in html
    assert queue_ids(html) == [lead.pk]


def test_search_by_phone_in_any_format_or_name_lists_every_agents_leads(cast, client_for, lead):
    theirs, _ = actions.create_lead(
        customer=customer("Asha Kulkarni", "+919822200001"),
        source="app_quote",
        owner=cast["sales2"],
    )
    client = client_for("sales")

    by_phone = client.get("/console/leads/search/?q=98765 43210", HTTP_HX_REQUEST="true")
    by_name = client.get("/console/leads/search/?q=asha", HTTP_HX_REQUEST="true").content.decode()

    assert by_phone.status_code == 200
    assert f'href="/console/leads/{lead.pk}/"' in by_phone.content.decode()
    assert "Asha Kulkarni" not in by_phone.content.decode()
    assert f'href="/console/leads/{lead.pk}/"' in by_name
    assert "Asha Kulkarni" in by_name  # listed, with its owner, but not linked
    assert f'href="/console/leads/{theirs.pk}/"' not in by_name
    assert "Sameer" in by_name
    page = client.get("/console/leads/search/?q=%2B919876543210").content.decode()
    assert "<h1>Lead queue</h1>" in page and f"/console/leads/{lead.pk}/" in page


# --- Logging a call through the console ---------------------------------------------------------


def test_logging_will_place_order_with_a_permitted_follow_up(cast, client_for, lead):
    client = client_for("sales")
    with frozen(ist(0, 15)):
        response = client.post(
            f"/console/leads/{lead.pk}/contacts/",
            {
                **CALL,
                "follow_up_at": ist(1, 11).strftime("%Y-%m-%dT%H:%M"),
                "follow_up_permission": "on",
            },
        )
        page = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert response["Location"] == f"/console/leads/{lead.pk}/"
    contact = ContactAttempt.objects.get(lead=lead)
    assert (contact.disposition.key, contact.connected, contact.direction) == (
        "will_place_order",
        True,
        "outbound",
    )
    assert contact.customer_words == "I'll place it tonight from the app"
    assert contact.suggested_disposition == "will_place_order"  # D2: stored beside the choice
    follow_up = FollowUp.objects.get(lead=lead)
    assert follow_up.due_at == ist(1, 11)
    assert follow_up.permission_recorded_by == cast["sales"]
    assert Lead.objects.get(pk=lead.pk).status == "will_place_order"
    assert "Logged: Customer Will Place Order." in page
    assert "with the customer&#x27;s permission" in page
    assert "This Will Place Order has its one follow-up" in page


def test_htmx_success_redirects_the_browser_to_the_lead_page(client_for, lead):
    with frozen(ist(0, 15)):
        response = client_for("sales").post(
            f"/console/leads/{lead.pk}/contacts/", CALL, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/console/leads/{lead.pk}/"


def test_d1_trivial_notes_are_refused_beside_the_notes_and_nothing_changes(client_for, lead):
    before = state(lead)
    with frozen(ist(0, 15)):
        response = client_for("sales").post(
            f"/console/leads/{lead.pk}/contacts/",
            {**CALL, "notes": "ok done"},
            HTTP_HX_REQUEST="true",
        )
    html = response.content.decode()

    assert response.status_code == 422
    assert html.lstrip().startswith('<section id="call-panel"')  # the panel only, for HTMX
    notes_error = re.search(r'<div class="field__error" id="notes-error">(.*?)</div>', html, re.S)
    assert notes_error and "does not say what happened on the call" in notes_error.group(1)
    assert 'aria-invalid="true"' in html
    assert "ok done" in html  # what the agent typed is kept
    assert state(lead) == before


def test_d7_create_order_picked_by_hand_is_refused_beside_the_disposition(client_for, lead):
    before = state(lead)
    with frozen(ist(0, 15)):
        response = client_for("sales").post(
            f"/console/leads/{lead.pk}/contacts/", {**CALL, "disposition": "create_order"}
        )
    html = response.content.decode()
    assert response.status_code == 422
    error = re.search(r'id="disposition-error">(.*?)</div>', html, re.S).group(1)
    assert "is set by the system when an order is created" in error
    assert state(lead) == before


def test_create_order_is_never_offered_in_the_picker(client_for, lead):
    html = client_for("sales").get(f"/console/leads/{lead.pk}/").content.decode()
    assert 'value="will_place_order"' in html
    assert 'value="no_answer"' in html
    assert 'value="create_order"' not in html


def test_d3_follow_up_without_permission_is_refused_beside_the_checkbox(client_for, lead):
    before = state(lead)
    with frozen(ist(0, 15)):
        response = client_for("sales").post(
            f"/console/leads/{lead.pk}/contacts/",
            {**CALL, "follow_up_at": ist(1, 11).strftime("%Y-%m-%dT%H:%M")},
        )
    html = response.content.decode()
    assert response.status_code == 422
    error = re.search(r'id="follow-up-permission-error">(.*?)</div>', html, re.S).group(1)
    assert "Ask the customer&#x27;s permission" in error
    assert state(lead) == before


def test_d3_follow_up_after_the_end_of_the_next_day_is_refused(client_for, lead):
    before = state(lead)
    with frozen(ist(0, 15)):
        response = client_for("sales").post(
            f"/console/leads/{lead.pk}/contacts/",
            {
                **CALL,
                "follow_up_at": ist(2, 11).strftime("%Y-%m-%dT%H:%M"),
                "follow_up_permission": "on",
            },
        )
    html = response.content.decode()
    assert response.status_code == 422
    assert "no later than the end of the next day" in re.search(
        r'id="follow-up-at-error">(.*?)</div>', html, re.S
    ).group(1)
    assert state(lead) == before


def test_d3_second_follow_up_is_refused_in_the_call_panel(cast, client_for, lead):
    wpo(lead, cast["sales"], at=ist(0, 14), due=ist(1, 11))
    before = state(lead)
    with frozen(ist(0, 15)):
        response = client_for("sales").post(
            f"/console/leads/{lead.pk}/contacts/",
            {
                **CALL,
                "follow_up_at": ist(1, 16).strftime("%Y-%m-%dT%H:%M"),
                "follow_up_permission": "on",
            },
        )
    html = response.content.decode()
    assert response.status_code == 409
    assert "already has its one follow-up (D3)" in re.search(
        r'id="follow-up-error">(.*?)</div>', html, re.S
    ).group(1)
    assert state(lead) == before


def test_d5_closed_lead_offers_only_an_inbound_panel_and_refuses_an_outbound_post(
    cast, client_for, lead
):
    actions.log_contact(
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=True,
        disposition="not_interested",
        notes="Sold it to a local shop last week, does not want to sell.",
        now=ist(0, 11),
    )
    client = client_for("sales")
    html = client.get(f"/console/leads/{lead.pk}/").content.decode()
    assert "This lead is closed for sales" in html
    # Issue 15: a customer who calls in is always answered; the panel logs inbound only.
    assert 'data-testid="inbound-only"' in html
    assert '<input type="hidden" name="direction" value="inbound">' in html
    assert 'id="direction-outbound"' not in html and 'data-testid="follow-up-fields"' not in html
    assert 'data-testid="create-order"' not in html  # D5: no order "just to be safe"
    before = state(lead)
    with frozen(ist(0, 15)):
        response = client.post(f"/console/leads/{lead.pk}/contacts/", CALL)
    assert response.status_code == 409
    assert "This lead is closed for sales" in response.content.decode()
    assert state(lead) == before


def test_missing_answers_are_reported_together_and_nothing_changes(client_for, lead):
    before = state(lead)
    response = client_for("sales").post(
        f"/console/leads/{lead.pk}/contacts/", {"channel": "call", "direction": "outbound"}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="connected-error"><p>Say whether you reached the customer.' in html
    assert 'id="disposition-error"><p>Pick one disposition (D1).' in html
    assert state(lead) == before


def test_already_ordered_without_an_order_opens_a_cx_case(client_for, lead):
    with frozen(ist(0, 15)):
        response = client_for("sales").post(
            f"/console/leads/{lead.pk}/contacts/",
            {
                **CALL,
                "disposition": "already_ordered",
                "notes": "Customer confirmed order placed. Pickup scheduled.",
                "order_number": "",
            },
            follow=True,
        )
    html = response.content.decode()
    assert "No order found: CX case #" in html
    assert 'data-testid="order-block"' in html
    assert Lead.objects.get(pk=lead.pk).status == "order_not_found"


def test_add_follow_up_form_schedules_the_one_follow_up(cast, client_for, lead):
    actions.log_contact(
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=True,
        disposition="will_place_order",
        notes="Will place it tonight from the app himself.",
        now=ist(0, 14),
    )
    client = client_for("sales")
    with frozen(ist(0, 15)):
        assert (
            'data-testid="add-follow-up"'
            in client.get(f"/console/leads/{lead.pk}/").content.decode()
        )
        refused = client.post(
            f"/console/leads/{lead.pk}/follow-up/",
            {"follow_up_at": ist(1, 11).strftime("%Y-%m-%dT%H:%M")},
        )
        assert refused.status_code == 422
        assert FollowUp.objects.filter(lead=lead).count() == 0
        done = client.post(
            f"/console/leads/{lead.pk}/follow-up/",
            {"follow_up_at": ist(1, 11).strftime("%Y-%m-%dT%H:%M"), "follow_up_permission": "on"},
        )
    assert done.status_code == 302
    assert FollowUp.objects.get(lead=lead).due_at == ist(1, 11)


def test_suggestion_endpoint_reads_hinglish(client_for):
    html = (
        client_for("sales")
        .get(
            "/console/leads/suggest/?customer_words=maine already order kar diya",
            HTTP_HX_REQUEST="true",
        )
        .content.decode()
    )
    assert "<strong>Already Placed an Order</strong>" in html
    assert 'data-pick="connected=yes;disposition=already_ordered"' in html
    create = client_for("sales").get("/console/leads/suggest/?customer_words=help me place now")
    assert "set by the system" in create.content.decode()  # D7: never offered to pick


def test_lead_page_shows_history_orders_messages_and_the_owners_notifications(
    cast, client_for, lead
):
    from orderdesk.leads.models import Notification

    Notification.objects.create(
        recipient=cast["sales"], lead=lead, kind="customer_ordered", message="Asha ordered: stop."
    )
    wpo(lead, cast["sales"], at=ist(0, 14), due=ist(1, 11))
    html = client_for("sales").get(f"/console/leads/{lead.pk}/").content.decode()
    assert "Asha ordered: stop." in html
    assert 'data-testid="contact-history"' in html and "Will place it tonight" in html
    assert 'data-testid="customer-orders"' in html and "No orders for this customer." in html
    assert 'data-testid="customer-messages"' in html
    assert "Perfect 👍 If you need any help, I&#x27;m here." in html  # the SOP's script
    assert f'href="/console/orders/new/?lead={lead.pk}"' in html


# --- Roles ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["cx", "ops", "supervisor", "admin"])
def test_other_roles_are_refused_the_queue_and_logging(client_for, lead, role):
    client = client_for(role)
    before = state(lead)
    assert client.get("/console/leads/").status_code == 403
    assert client.get("/console/leads/search/?q=asha").status_code == 403
    assert client.get("/console/leads/suggest/?customer_words=hi").status_code == 403
    assert client.post(f"/console/leads/{lead.pk}/contacts/", CALL).status_code == 403
    assert client.post(f"/console/leads/{lead.pk}/follow-up/", {}).status_code == 403
    assert state(lead) == before


# CX reads a lead page, read only (issue 15 item 8: test_floor_issue15.py).
@pytest.mark.parametrize("role", ["ops", "admin"])
def test_other_roles_cannot_read_a_lead_page(client_for, lead, role):
    assert client_for(role).get(f"/console/leads/{lead.pk}/").status_code == 403


def test_another_agents_lead_page_and_logging_are_refused(client_for, lead):
    client = client_for("sales2")
    before = state(lead)
    page = client.get(f"/console/leads/{lead.pk}/")
    with frozen(ist(0, 15)):
        post = client.post(f"/console/leads/{lead.pk}/contacts/", CALL)
    assert page.status_code == 403 and "owned by another agent" in page.content.decode()
    assert post.status_code == 403
    assert state(lead) == before


def test_supervisor_reads_the_lead_page_without_a_call_panel(client_for, lead):
    html = client_for("supervisor").get(f"/console/leads/{lead.pk}/").content.decode()
    assert "You can read this lead; its owner works it." in html
    assert "/contacts/" not in html


def test_unknown_lead_is_404(client_for):
    assert client_for("sales").get("/console/leads/999999/").status_code == 404


def test_signed_out_and_inactive_users_are_sent_to_sign_in(cast, client, lead):
    assert client.get("/console/leads/")["Location"].startswith("/console/login/")
    client.force_login(cast["outsider"])
    response = client.post(f"/console/leads/{lead.pk}/contacts/", CALL)
    assert response.status_code == 302
    assert ContactAttempt.objects.count() == 0


def test_oversight_is_for_supervisors_only(client_for):
    for role in ("sales", "cx", "ops", "admin"):
        assert client_for(role).get("/console/leads/oversight/").status_code == 403
    assert client_for("supervisor").get("/console/leads/oversight/").status_code == 200


def test_oversight_shows_missed_follow_ups_and_refused_contacts(cast, client_for, lead):
    wpo(lead, cast["sales"], at=ist(-2, 14), due=ist(-1, 11))
    actions.mark_missed_follow_ups(now=ist(-1, 14))
    other, _ = actions.create_lead(
        customer=customer("Late Caller", "+919833300001"), source="app_quote", owner=cast["sales"]
    )
    with pytest.raises(actions.ContactRefused):
        actions.log_contact(
            other,
            agent=cast["sales"],
            channel="call",
            direction="outbound",
            connected=False,
            disposition="no_answer",
            now=ist(0, 22, 30),
        )
    assert ContactRefusal.objects.count() == 1
    html = client_for("supervisor").get("/console/leads/oversight/").content.decode()
    missed = html.split('data-testid="missed-follow-ups"', 1)[1].split("</section>", 1)[0]
    assert "Asha Rao" in missed and '<span class="tag tag--warn">1</span>' in missed
    refusals = html.split('data-testid="over-contact-refusals"', 1)[1].split("</section>", 1)[0]
    said = '<span title="outside_calling_hours" data-code="outside_calling_hours">'  # issue 18
    assert "Late Caller" in refusals and said in refusals
    assert f"<td>sita</td><td>{said}It is outside calling hours" in html


# --- The training card ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["sales", "cx", "ops", "supervisor", "admin"])
def test_training_card_is_open_to_every_staff_role(client_for, role):
    html = client_for(role).get("/console/training-card/").content.decode()
    assert 'data-testid="training-card"' in html
    assert "Intent yes, action pending" in html and "Verify &amp; stop selling" in html
    assert 'href="/console/training-card/"' in html  # in the navigation


def test_training_card_shows_the_policy_in_force_and_follows_a_change(cast, client_for):
    client = client_for("sales")
    first = client.get("/console/training-card/").content.decode()
    current = ContactPolicy.in_force()
    assert f"version {current.version}</strong>" in first
    assert '<dd data-testid="calling-hours">09:00-21:00 IST</dd>' in first
    assert '<dd data-testid="max-attempts">3</dd>' in first

    effective = dt.datetime(2026, 3, 2, 9, 30, tzinfo=IST)
    with frozen(effective + dt.timedelta(hours=1)):
        ContactPolicy.objects.create(
            version=current.version + 1,
            calling_hours_start=dt.time(10),
            calling_hours_end=dt.time(19, 30),
            max_attempts_per_lead_per_day=2,
            effective_from=effective,
            changed_by=cast["admin"],
            change_note="Fewer calls after complaints",
        )
        second = client.get("/console/training-card/").content.decode()

    assert f"version {current.version + 1}</strong>" in second
    assert "in force since <strong>2 Mar 2026, 09:30 IST</strong>" in second
    assert "Fewer calls after complaints" in second
    assert '<dd data-testid="calling-hours">10:00-19:30 IST</dd>' in second
    assert '<dd data-testid="max-attempts">2</dd>' in second


# --- CSP -----------------------------------------------------------------------------------------

PAGES = [
    ("sales", "/console/leads/"),
    ("sales", "/console/leads/?q=asha"),
    ("sales", "LEAD"),
    ("supervisor", "LEAD"),
    ("supervisor", "/console/leads/oversight/"),
    ("cx", "/console/training-card/"),
]


@pytest.mark.parametrize(("role", "url"), PAGES)
def test_lead_pages_keep_to_the_content_security_policy(client_for, lead, role, url):
    url = f"/console/leads/{lead.pk}/" if url == "LEAD" else url
    response = client_for(role).get(url)
    html = response.content.decode()
    assert response.status_code == 200
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(re.search(r'\bsrc="/static/', tag) for tag in scripts)
    assert html.count("<script") == html.count("></script>")
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)


def test_agent_queue_reads_due_then_later_follow_ups_then_the_rest_within_the_limit(cast):
    from orderdesk.leads.selectors import agent_queue

    sales = cast["sales"]
    leads = []
    for i in range(4):
        lead, _ = actions.create_lead(
            customer=customer(f"Customer {i}", f"+91981110000{i}"), source="app_quote", owner=sales
        )
        leads.append(lead)
    wpo(leads[3], sales, at=ist(-1, 15), due=ist(0, 11))  # due
    wpo(leads[2], sales, at=ist(0, 9, 30), due=ist(1, 10))  # later

    queue = agent_queue(sales, now=ist(0, 11, 5))
    short = agent_queue(sales, now=ist(0, 11, 5), limit=2)

    assert [lead.pk for lead in queue] == [leads[3].pk, leads[2].pk, leads[0].pk, leads[1].pk]
    assert [lead.follow_up_due for lead in queue] == [0, 1, 1, 1]
    assert [lead.pk for lead in short] == [leads[3].pk, leads[2].pk]


def test_notes_longer_than_the_cap_are_refused_with_a_clear_message_and_nothing_changes(
    client_for, lead
):
    """Issue 18: notes were accepted at any length from the console."""
    before = state(lead)
    long_notes = "Customer will place order tonight from the app. " * 60  # 2,879 once trimmed
    with frozen(ist(0, 15)):
        response = client_for("sales").post(
            f"/console/leads/{lead.pk}/contacts/",
            {**CALL, "notes": long_notes},
            HTTP_HX_REQUEST="true",
        )
    html = response.content.decode()
    assert response.status_code == 422
    notes_error = re.search(r'<div class="field__error" id="notes-error">(.*?)</div>', html, re.S)
    assert notes_error and "at most 2,000 characters; these are 2,879" in notes_error.group(1)
    assert state(lead) == before


def test_d5_inbound_on_a_closed_lead_in_the_console_offers_the_next_step(cast, client_for, lead):
    """Issue 15 item 1: the call is recorded, the lead stays closed, next step in one click."""
    actions.log_contact(
        lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=True,
        disposition="not_interested",
        notes="Sold it to a local shop last week, does not want to sell.",
        now=ist(0, 11),
    )
    client = client_for("sales")
    with frozen(ist(0, 22)):
        response = client.post(
            f"/console/leads/{lead.pk}/contacts/",
            {**CALL, "direction": "inbound", "disposition": "waiting_for_quote"},
        )
    assert response.status_code == 302, response.content[:300]
    assert "answered=" in response["Location"]
    fresh = Lead.objects.get(pk=lead.pk)
    assert (fresh.status, fresh.closed_for_sales) == ("closed", True)
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="next-steps"' in html
    assert 'data-testid="next-new_lead"' in html and 'data-testid="next-nothing"' in html
    new = client.post(f"/console/leads/{lead.pk}/another-device/")
    assert new.status_code == 302
    opened = Lead.objects.exclude(pk=lead.pk).get(customer=lead.customer)
    assert (opened.source, opened.owner, opened.closed_for_sales) == (
        "inbound_call",
        cast["sales"],
        False,
    )


@pytest.mark.parametrize("role", ["cx", "ops"])
def test_another_device_is_refused_without_leads_work_and_opens_nothing(
    cast, client_for, lead, role
):
    """Issue 15 item 1's one-click lead is sales' (``leads.work``): refused, nothing written."""
    leads, before = Lead.objects.count(), state(lead)
    response = client_for(role).post(f"/console/leads/{lead.pk}/another-device/")
    assert response.status_code == 403
    assert Lead.objects.count() == leads
    assert state(lead) == before


def test_15_2_console_answers_an_inbound_caller_on_another_agents_lead(cast, client_for, lead):
    """Issue 15 item 2: whoever picks up answers; the owner keeps the lead and is told."""
    client = client_for("sales2")
    assert client.get(f"/console/leads/{lead.pk}/").status_code == 403
    html = client.get(f"/console/leads/{lead.pk}/?inbound=1").content.decode()
    assert 'data-testid="inbound-only"' in html
    with frozen(ist(0, 12)):
        response = client.post(
            f"/console/leads/{lead.pk}/contacts/",
            {**CALL, "direction": "inbound", "disposition": "waiting_for_quote"},
        )
    assert response.status_code == 302 and "inbound=1" in response["Location"]
    assert client.get(response["Location"]).status_code == 200
    fresh = Lead.objects.get(pk=lead.pk)
    assert fresh.owner == cast["sales"] and fresh.status == "new"
    assert fresh.contacts.get().agent == cast["sales2"]
    assert fresh.notifications.filter(recipient=cast["sales"], kind="inbound_answered").exists()
