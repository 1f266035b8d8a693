"""SPEC §11: POST /tickets, GET /tickets/{id}, POST /tickets/{id}/actions, the CSAT answer."""

from orderdesk.cx.actions import csat_token
from orderdesk.cx.models import CsatSurvey, Ticket
from orderdesk.messaging.models import Message
from orderdesk.orders.models import Order

from .conftest import snapshot


def post(client, url, body):
    return client.post(url, data=body, content_type="application/json")


def test_api_a_price_dispute_from_open_to_csat(cast, api, inspected_order):
    cx = api(cast["cx"])
    created = post(
        cx,
        "/api/v1/tickets",
        {
            "type": "price_dispute",
            "order_number": inspected_order.number,
            "channel": "call",
            "notes": "I didn't agree to this price",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["type"], body["status"], body["priority"], body["assignee"]) == (
        "price_dispute",
        "open",
        "high",
        "chitra",
    )
    assert body["price_dispute"]["consent_statement"] == "Yes, please place the order"
    assert body["sla"]["first_response"]["state"] == "running"
    tid = body["id"]
    refused = post(
        cx,
        f"/api/v1/tickets/{tid}/actions",
        {"kind": "resolve", "text": "All sorted out for the customer"},
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "act_required")
    for kind, text in (
        ("listen", "Customer says the price was cut at the door"),
        ("apologise", "Sorry for the confusion at pickup today"),
    ):
        assert (
            post(cx, f"/api/v1/tickets/{tid}/actions", {"kind": kind, "text": text}).status_code
            == 201
        )
    act = post(
        cx,
        f"/api/v1/tickets/{tid}/actions",
        {
            "kind": "act",
            "outcome": "cancel_order",
            "text": "Offered cancellation; customer chose to cancel",
        },
    )
    assert act.status_code == 201, act.content
    assert act.json()["order"]["status"] == "cancelled"
    done = post(
        cx,
        f"/api/v1/tickets/{tid}/actions",
        {"kind": "resolve", "text": "Order cancelled at no cost to the customer"},
    )
    assert (done.status_code, done.json()["status"], done.json()["fcr"]) == (201, "resolved", True)
    assert done.json()["steps_done"] == ["act", "apologise", "listen"]
    token = csat_token(CsatSurvey.objects.get(ticket_id=tid))
    anon = api()
    answer = post(anon, "/api/v1/csat", {"token": token, "score": 5})
    assert (answer.status_code, answer.json()["score"]) == (200, 5)
    twice = post(anon, "/api/v1/csat", {"token": token, "score": 1})
    assert (twice.status_code, twice.json()["code"]) == (409, "csat_already_answered")
    shown = cx.get(f"/api/v1/tickets/{tid}").json()
    assert shown["csat"]["score"] == 5
    assert Order.objects.get(pk=inspected_order.pk).status == "cancelled"


def test_api_refusals_are_problem_json_and_change_nothing(cast, api, customer):
    cx = api(cast["cx"])
    before = snapshot()
    bad = post(cx, "/api/v1/tickets", {"type": "gossip", "customer": {"phone": "98765 43210"}})
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    no_order = post(
        cx, "/api/v1/tickets", {"type": "price_dispute", "customer": {"phone": "98765 43210"}}
    )
    assert (no_order.status_code, no_order.json()["code"]) == (422, "order_required")
    assert snapshot() == before
    assert Ticket.objects.count() == 0


def test_api_roles(cast, api, customer):
    body = {"type": "inquiry", "customer": {"phone": "98765 43210"}}
    assert post(api(), "/api/v1/tickets", body).status_code == 401
    for role in ("sales", "ops", "app", "vendor"):
        assert post(api(cast[role]), "/api/v1/tickets", body).status_code == 403
    assert post(api(cast["supervisor"]), "/api/v1/tickets", body).status_code == 403
    created = post(api(cast["cx"]), "/api/v1/tickets", body).json()
    assert api(cast["supervisor"]).get(f"/api/v1/tickets/{created['id']}").status_code == 200
    assert api(cast["sales"]).get(f"/api/v1/tickets/{created['id']}").status_code == 403
    assert api(cast["cx"]).get("/api/v1/tickets/999999").status_code == 404


def test_api_queues_and_escalation(cast, api, customer):
    cx = api(cast["cx"])
    tid = post(
        cx, "/api/v1/tickets", {"type": "complaint", "customer": {"phone": "98765 43210"}}
    ).json()["id"]
    assert [t["id"] for t in cx.get("/api/v1/tickets", {"queue": "mine"}).json()] == [tid]
    no_reason = post(cx, f"/api/v1/tickets/{tid}/actions", {"kind": "escalate", "text": ""})
    assert (no_reason.status_code, no_reason.json()["code"]) == (422, "escalation_reason_required")
    ok = post(
        cx,
        f"/api/v1/tickets/{tid}/actions",
        {"kind": "escalate", "text": "Customer wants compensation, above my limit"},
    )
    assert (ok.status_code, ok.json()["status"], ok.json()["escalated_to"]) == (
        201,
        "escalated",
        "suman",
    )
    sup = api(cast["supervisor"])
    assert [t["id"] for t in sup.get("/api/v1/tickets", {"queue": "escalated"}).json()] == [tid]


def test_api_csat_reply_relay(cast, api, customer):
    from orderdesk.cx.actions import open_ticket, record_action

    ticket = open_ticket(type="inquiry", customer=customer, created_by=cast["cx"])
    record_action(
        ticket, kind="listen", actor=cast["cx"], text="Asked how inspection pricing works"
    )
    record_action(ticket, kind="act", actor=cast["cx"], text="Explained inspection and final price")
    record_action(ticket, kind="resolve", actor=cast["cx"], text="Customer understood the process")
    code = CsatSurvey.objects.get(ticket=ticket).reply_code
    relayed = post(
        api(cast["cx"]), "/api/v1/csat/replies", {"phone": "+919876543210", "text": f"4 {code}"}
    )
    assert (relayed.status_code, relayed.json()["score"], relayed.json()["answered_via"]) == (
        200,
        4,
        "reply",
    )
    assert (
        post(
            api(), "/api/v1/csat/replies", {"phone": "+919876543210", "text": f"4 {code}"}
        ).status_code
        == 401
    )
    assert Message.objects.filter(kind_id="csat_survey").count() == 1
