"""The CX console: queues, the ticket page with the three steps and scripts, M9 and D6 panels,
order look-up, the supervisor's escalations; other roles are refused."""

from django.test import Client

from orderdesk.cx.actions import open_ticket, record_action
from orderdesk.cx.models import Ticket
from orderdesk.messaging.models import Message
from orderdesk.testing.factories import PASSWORD


def signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_console_ticket_page_shows_the_steps_scripts_and_m9_panel(cast, order):
    ticket = open_ticket(
        type="price_dispute",
        customer=order.customer,
        order_number=order.number,
        created_by=cast["sales"],
    )
    page = signed_in(cast["cx"]).get(f"/console/cx/tickets/{ticket.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in (
        "Record Listen",
        "Record the apology",
        "Record the Act",
        "Resolve the ticket",
        "Acknowledge the issue and apologize for any inconvenience",
        "Yes, please place the order",
        "final price depends on inspection",
        "Cancel the order (no penalty)",
        "Customer accepts the price",
    ):
        assert text in html, text
    assert "style=" not in html and "<script>" not in html


def test_console_refused_step_is_shown_beside_it_and_changes_nothing(cast, customer):
    ticket = open_ticket(type="complaint", customer=customer, created_by=cast["cx"])
    client = signed_in(cast["cx"])
    response = client.post(
        f"/console/cx/tickets/{ticket.pk}/actions/",
        {"kind": "resolve", "text": "Sorted out for the customer"},
    )
    assert response.status_code == 422
    assert "A ticket is resolved only with an action recorded" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == "open"
    ok = client.post(
        f"/console/cx/tickets/{ticket.pk}/actions/",
        {"kind": "listen", "text": "Customer says the partner was rude"},
    )
    assert ok.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).status == "in_progress"


def test_console_queues_new_ticket_and_lookup(cast, order):
    client = signed_in(cast["cx"])
    created = client.post(
        "/console/cx/tickets/new/",
        {
            "type": "inquiry",
            "order_number": order.number,
            "channel": "call",
            "notes": "Where is my pickup?",
        },
    )
    assert created.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.order, ticket.assignee) == (order, cast["cx"])
    queue = client.get("/console/cx/tickets/?queue=mine")
    assert ticket.number in queue.content.decode()
    found = client.get("/console/cx/orders/", {"q": "98765 43210"})
    assert order.display_number in found.content.decode()
    sent = client.post(f"/console/cx/orders/{order.number}/update/")
    assert sent.status_code == 302
    assert Message.objects.filter(kind_id="order_status_update").count() == 1


def test_console_escalations_for_supervisors_only(cast, customer):
    ticket = open_ticket(type="complaint", customer=customer, created_by=cast["cx"])
    record_action(
        ticket, kind="escalate", actor=cast["cx"], text="Customer insists on speaking to a manager"
    )
    page = signed_in(cast["supervisor"]).get("/console/cx/escalations/")
    assert page.status_code == 200 and ticket.number in page.content.decode()
    assert signed_in(cast["cx"]).get("/console/cx/escalations/").status_code == 403
    for role in ("sales", "ops"):
        client = signed_in(cast[role])
        assert client.get("/console/cx/tickets/").status_code == 403
        assert client.get(f"/console/cx/tickets/{ticket.pk}/").status_code == 403
        assert (
            client.post(
                f"/console/cx/tickets/{ticket.pk}/actions/", {"kind": "note", "text": "x y z w"}
            ).status_code
            == 403
        )
    assert Client().get("/console/cx/tickets/").status_code == 302


def test_console_navigation_offers_tickets_to_cx_and_escalations_to_supervisors(cast):
    cx = signed_in(cast["cx"]).get("/console/cx/").content.decode()
    sup = signed_in(cast["supervisor"]).get("/console/supervisor/").content.decode()
    assert "/console/cx/tickets/" in cx and "/console/cx/escalations/" not in cx
    assert "/console/cx/escalations/" in sup
