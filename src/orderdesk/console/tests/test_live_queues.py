"""Issue 18, live queues and keyboard-first work: the clocks' words (pure, ``now`` passed),
the navigation's counts per role (each role only its own), "next lead" (the ``n`` shortcut),
do-not-contact in the lead queue, SLA countdowns in the ticket queue."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import pytest
from django.template import Context, Template

from orderdesk.console.clocks import countdown_words, ist_words, relative_words, urgency
from orderdesk.console.tests.conftest import HOMES
from orderdesk.core.timeutil import IST
from orderdesk.testing.factories import make_customer

NOW = dt.datetime(2026, 12, 6, 14, 0, tzinfo=IST)


def at(**delta) -> dt.datetime:
    return NOW + dt.timedelta(**delta)


# --- the words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "words"),
    [
        (at(seconds=30), "just now"),
        (at(seconds=-59), "just now"),
        (at(minutes=5), "in 5 min"),
        (at(minutes=5, seconds=59), "in 5 min"),
        (at(seconds=61), "in 1 min"),
        (at(minutes=-12), "12 min ago"),
        (at(hours=3, minutes=40), "in 3 h"),
        (at(hours=-3), "3 h ago"),
        (at(days=1, hours=2), "in 1 day"),
        (at(days=-4), "4 days ago"),
    ],
)
def test_relative_words(when, words):
    assert relative_words(when, NOW) == words


@pytest.mark.parametrize(
    ("due", "words"),
    [
        (at(minutes=29, seconds=59), "29 min 59 s left"),
        (at(seconds=5), "0 min 05 s left"),
        (at(), "0 min 00 s left"),
        (at(hours=1), "1 h 00 min left"),
        (at(hours=2, minutes=5), "2 h 05 min left"),
        (at(days=1), "1 day 0 h left"),
        (at(days=2, hours=3), "2 days 3 h left"),
        (at(seconds=-1), "overdue by 1 min"),
        (at(minutes=-7, seconds=-30), "overdue by 7 min"),
        (at(hours=-5), "overdue by 5 h"),
    ],
)
def test_countdown_words(due, words):
    assert countdown_words(due, NOW) == words


@pytest.mark.parametrize(
    ("due", "level"),
    [
        (at(seconds=-1), "overdue"),
        (at(), "urgent"),
        (at(minutes=15), "urgent"),
        (at(minutes=15, seconds=1), "near"),
        (at(minutes=60), "near"),
        (at(minutes=61), "calm"),
        (at(days=2), "calm"),
    ],
)
def test_urgency_by_time_left(due, level):
    assert urgency(due, NOW) == level


def test_the_absolute_time_is_read_in_ist_whatever_the_zone_stored():
    assert ist_words(dt.datetime(2026, 12, 6, 8, 35, tzinfo=dt.UTC)) == "Sun 6 Dec, 14:05 IST"


def test_the_tags_render_time_elements_from_the_pages_now():
    html = Template(
        "{% load console_clocks %}{% countdown due %}|{% relative when %}|{% relative none 'never' %}"
    ).render(Context({"clock_now": NOW, "due": at(minutes=10), "when": at(hours=-3), "none": None}))
    countdown, relative, empty = html.split("|")
    assert 'class="clock clock--urgent"' in countdown
    assert f'datetime="{at(minutes=10).isoformat()}"' in countdown
    assert f'data-now="{NOW.isoformat()}"' in countdown
    assert ">10 min 00 s left<" in countdown
    assert 'title="Sun 6 Dec, 14:10 IST"' in countdown
    assert "(due Sun 6 Dec, 14:10 IST)" in countdown  # read out, not only a tooltip
    assert ">3 h ago<" in relative and 'title="Sun 6 Dec, 11:00 IST"' in relative
    assert empty == '<span class="muted">never</span>'


# --- pages ----------------------------------------------------------------------------------

T0 = dt.datetime.combine(dt.datetime.now(tz=IST).date(), dt.time(12, 0), tzinfo=IST)


@pytest.fixture
def world(db, cast):
    """A sales lead with a follow-up due at T0 + 2 h, an unowned lead, a ticket assigned to
    the CX agent, and an escalated one."""
    from orderdesk.cx.actions import escalate_ticket, open_ticket
    from orderdesk.leads.actions import create_lead, log_contact
    from orderdesk.leads.seeding import ensure_default_settings

    ensure_default_settings()
    kavya = make_customer(name="Kavya Menon", phone="+919812345678")
    lead, _ = create_lead(customer=kavya, source="app_quote", owner=cast["sales"])
    log_contact(
        lead,
        agent=cast["sales"],
        channel="call",
        direction="inbound",
        connected=True,
        disposition="will_place_order",
        notes="Will order tonight after checking the box",
        follow_up_at=T0 + dt.timedelta(hours=2),
        follow_up_permission=True,
        now=T0,
    )
    create_lead(customer=make_customer(name="Ravi Iyer", phone="+919812345679"), source="app_quote")
    mine = open_ticket(
        type="inquiry", customer=kavya, notes="Asked about pickup", assignee=cast["cx"], now=T0
    )
    other = open_ticket(type="inquiry", customer=kavya, notes="Wants a callback", now=T0)
    escalate_ticket(other, actor=cast["cx"], text="The customer asked for a supervisor", now=T0)
    return {"lead": lead, "mine": mine}


def _badges(html: str) -> dict[str, str]:
    found = re.findall(r'id="nav-count-([a-z-]+)"[^>]*>(.*?)</span></span>', html)
    return {key: re.sub(r"<[^>]+>", "", body).strip(": ") for key, body in found}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            "sales",
            {"lead-follow-ups": "1 follow-ups due", "leads-waiting": "1 unowned leads waiting"},
        ),
        # the CX agent's two: the one assigned, and the one they worked and escalated
        (
            "cx",
            {
                "my-tickets": "2 open tickets of mine",
                "ticket-follow-ups": "0 ticket follow-ups due",
            },
        ),
        ("supervisor", {"escalations": "1 escalated tickets open"}),
        ("ops", {}),
        ("admin", {}),
    ],
)
def test_each_role_sees_only_its_own_counts_on_the_page_and_in_the_poll(
    client_for, world, role, expected
):
    with mock.patch("django.utils.timezone.now", return_value=T0 + dt.timedelta(hours=3)):
        client = client_for(role)
        page = client.get(HOMES[role]).content.decode()
        poll = client.get("/console/nav/counts/")
    assert _badges(page) == expected
    assert poll.status_code == 200
    polled = poll.content.decode()
    assert _badges(polled) == expected
    assert polled.count('hx-swap-oob="true"') == len(expected)
    assert ('hx-get="/console/nav/counts/"' in page) == bool(expected)


def test_a_follow_up_not_yet_due_is_not_counted(client_for, world):
    with mock.patch("django.utils.timezone.now", return_value=T0 + dt.timedelta(hours=1)):
        page = client_for("sales").get("/console/leads/").content.decode()
    assert _badges(page)["lead-follow-ups"] == "0 follow-ups due"


def test_next_lead_opens_the_queues_first_lead_then_skips_the_one_on_screen(
    client_for, cast, world
):
    from orderdesk.leads.actions import create_lead

    first = world["lead"]  # its follow-up is due: first in the queue
    later, _ = create_lead(
        customer=make_customer(name="Asha Rao", phone="+919812345670"),
        source="app_quote",
        owner=cast["sales"],
    )
    with mock.patch("django.utils.timezone.now", return_value=T0 + dt.timedelta(hours=3)):
        client = client_for("sales")
        assert client.get("/console/leads/next/")["Location"] == f"/console/leads/{first.pk}/"
        after = client.get(f"/console/leads/next/?after={first.pk}")
        assert after["Location"] == f"/console/leads/{later.pk}/"


def test_next_lead_skips_do_not_contact_and_says_when_none_is_left(client_for, world):
    customer = world["lead"].customer
    customer.do_not_contact = True
    customer.save(update_fields=["do_not_contact"])
    client = client_for("sales")
    response = client.get("/console/leads/next/", follow=True)
    assert response.redirect_chain == [("/console/leads/", 302)]
    assert "No other lead of yours to work now." in response.content.decode()


def test_the_lead_queue_shows_do_not_contact_and_the_follow_up_clock(client_for, world):
    customer = world["lead"].customer
    customer.do_not_contact = True
    customer.save(update_fields=["do_not_contact"])
    with mock.patch("django.utils.timezone.now", return_value=T0 + dt.timedelta(hours=1)):
        page = client_for("sales").get("/console/leads/").content.decode()
    assert 'data-testid="queue-dnc">Do not contact<' in page
    assert ">1 h 00 min left<" in page  # the follow-up at T0 + 2 h
    assert 'href="/console/leads/next/"' in page


def test_the_ticket_queue_counts_down_each_sla_with_its_colour(client_for, world):
    due = world["mine"].sla_next_due_at
    with mock.patch("django.utils.timezone.now", return_value=due - dt.timedelta(minutes=10)):
        page = client_for("cx").get("/console/cx/tickets/?queue=mine").content.decode()
    assert 'class="clock clock--urgent"' in page
    assert ">10 min 00 s left<" in page
    assert 'class="tabs"' in page and 'aria-current="page">My tickets (2)<' in page
