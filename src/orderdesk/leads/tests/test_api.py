"""The leads API (SPEC §11): the SOP's refusals come back as problem+json with their codes."""

from __future__ import annotations

import pytest

from orderdesk.core.models import AuditEvent
from orderdesk.leads.models import ContactAttempt, FollowUp, Lead

from .conftest import frozen, ist
from .helpers import state

NOTES = "Customer will place order themselves today. Asked for follow-up tomorrow 11 AM."


def contact(client, lead, **body):
    payload = {
        "channel": "call",
        "direction": "outbound",
        "connected": True,
        "disposition": "will_place_order",
        "notes": NOTES,
    }
    payload.update(body)
    return client.post(
        f"/api/v1/leads/{lead.pk}/contacts", payload, content_type="application/json"
    )


def test_create_lead_then_get_it(api, cast, catalog):
    client = api(cast["sales"])
    body = {
        "customer": {"name": "Asha Rao", "phone": "98765 43210"},
        "source": "inbound_call",
        "variant_id": catalog["v128"].pk,
    }
    first = client.post("/api/v1/leads", body, content_type="application/json")
    again = client.post("/api/v1/leads", body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    data = first.json()
    assert data["id"] == again.json()["id"]
    assert (data["status"], data["owner"], data["priority"], data["customer"]["phone_masked"]) == (
        "new",
        "sita",
        20,
        "+91•••••43210",
    )
    got = client.get(f"/api/v1/leads/{data['id']}")
    assert (
        got.status_code == 200 and got.json()["contacts"] == [] and got.json()["follow_ups"] == []
    )


def test_log_contact_with_follow_up_and_it_appears_in_the_due_queue(api, cast, lead):
    client = api(cast["sales"])
    with frozen(ist(1, 11)):
        response = contact(
            client,
            lead,
            customer_words="kal app se kar dunga",
            follow_up={"at": ist(2, 11).isoformat(), "permission": True},
        )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["lead"]["status"] == "will_place_order"
    assert data["contact"]["suggested_disposition"] == "will_place_order"
    assert data["script"].startswith("Perfect 👍")
    assert data["follow_up"]["permission_recorded_by"] == "sita"
    with frozen(ist(2, 11, 1)):
        due = client.get("/api/v1/followups/due").json()
    assert [d["lead_id"] for d in due] == [lead.pk]
    with frozen(ist(2, 10)):
        assert client.get("/api/v1/followups/due").json() == []


def test_second_follow_up_is_refused_with_followup_limit(api, cast, lead):
    client = api(cast["sales"])
    with frozen(ist(1, 11)):
        assert (
            contact(
                client, lead, follow_up={"at": ist(2, 11).isoformat(), "permission": True}
            ).status_code
            == 201
        )
    before = state(lead)
    with frozen(ist(1, 12)):
        response = contact(
            client,
            lead,
            direction="inbound",
            follow_up={"at": ist(2, 15).isoformat(), "permission": True},
        )
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "followup_limit" and problem["errors"][0]["field"] == "follow_up"
    assert state(lead) == before
    assert FollowUp.objects.filter(lead=lead).count() == 1


def test_every_sales_contact_after_already_ordered_is_refused(api, cast, lead, monkeypatch):
    from orderdesk.flows import contacts

    from .conftest import fake_order

    monkeypatch.setattr(
        contacts, "find_customer_order", lambda customer, **kw: fake_order(customer)
    )
    client = api(cast["sales"])
    with frozen(ist(1, 11)):
        ordered = contact(
            client,
            lead,
            disposition="already_ordered",
            notes="Customer confirmed order placed. Pickup scheduled.",
            order_number="OD7K3P9QXM",
        )
    assert ordered.status_code == 201 and ordered.json()["lead"]["status"] == "already_ordered"
    before = state(lead)
    attempts = [
        {
            "channel": "call",
            "direction": "outbound",
            "connected": False,
            "disposition": "no_answer",
            "notes": "",
        },
        {
            "channel": "whatsapp",
            "direction": "outbound",
            "connected": True,
            "disposition": "will_place_order",
        },
        {
            "channel": "sms",
            "direction": "outbound",
            "connected": False,
            "disposition": "busy",
            "notes": "",
        },
        {
            "channel": "call",
            "direction": "outbound",
            "follow_up": {"at": ist(2, 11).isoformat(), "permission": True},
        },
    ]
    for body in attempts:
        with frozen(ist(1, 15)):
            response = contact(client, lead, **body)
        assert response.status_code == 409, body
        assert response.json()["code"] == "sales_contact_closed"
    assert state(lead) == before


def test_hand_picked_create_order_is_refused(api, cast, lead):
    client = api(cast["sales"])
    before = state(lead)
    with frozen(ist(1, 11)):
        response = contact(
            client,
            lead,
            disposition="create_order",
            notes="Customer asked me to create the order now.",
        )
    assert response.status_code == 422
    assert response.json()["code"] == "disposition_system_only"
    assert state(lead) == before


def test_inbound_call_is_answered_outside_calling_hours_but_outbound_is_not(api, cast, lead):
    client = api(cast["sales"])
    before = state(lead)
    with frozen(ist(1, 22, 15)):
        outbound = contact(client, lead)
    assert outbound.status_code == 409 and outbound.json()["code"] == "outside_calling_hours"
    assert state(lead) == before
    with frozen(ist(1, 22, 15)):
        inbound = contact(client, lead, direction="inbound")
    assert inbound.status_code == 201 and inbound.json()["contact"]["direction"] == "inbound"


@pytest.mark.parametrize("role", ["cx", "ops", "app", "vendor", "supervisor", "admin"])
def test_roles_without_leads_work_cannot_log_contacts_and_nothing_changes(api, cast, lead, role):
    client = api(cast[role])
    before = state(lead)
    with frozen(ist(1, 11)):
        response = contact(client, lead)
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert state(lead) == before
    assert (
        client.post(
            "/api/v1/leads",
            {"customer": {"name": "X Y", "phone": "9876500000"}, "source": "campaign"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert Lead.objects.count() == 1


def test_another_agents_lead_is_refused_and_supervisor_reads_it(api, cast, lead):
    other = api(cast["sales2"])
    supervisor, ops = api(cast["supervisor"]), api(cast["ops"])
    before = state(lead)
    with frozen(ist(1, 11)):
        response = contact(other, lead)
    assert response.status_code == 403 and response.json()["code"] == "not_lead_owner"
    assert other.get(f"/api/v1/leads/{lead.pk}").status_code == 403
    assert ops.get(f"/api/v1/leads/{lead.pk}").status_code == 403
    assert state(lead) == before
    assert supervisor.get(f"/api/v1/leads/{lead.pk}").status_code == 200


def test_unauthenticated_and_outsider_are_refused(api, cast, lead):
    anonymous = api(None)
    assert anonymous.get(f"/api/v1/leads/{lead.pk}").status_code == 401
    assert (
        anonymous.post(
            "/api/v1/disposition-suggestions", {"text": "hi"}, content_type="application/json"
        ).status_code
        == 401
    )
    # The outsider (inactive) cannot even get a token.
    response = anonymous.post(
        "/api/v1/auth/token",
        {"username": "olga", "password": "correct-horse-battery"},
        content_type="application/json",
    )
    assert response.status_code in (400, 401, 403)


def test_unknown_fields_and_bad_values_are_refused(api, cast, lead):
    client = api(cast["sales"])
    events = AuditEvent.objects.count()
    with frozen(ist(1, 11)):
        extra = contact(client, lead, price=100)
        bad_channel = contact(client, lead, channel="pigeon")
    assert extra.status_code == 422 and extra.json()["errors"][0]["code"] == "unknown_field"
    assert bad_channel.status_code == 422 and bad_channel.json()["errors"][0]["field"] == "channel"
    assert ContactAttempt.objects.count() == 0 and AuditEvent.objects.count() == events


def test_notes_required_names_the_field(api, cast, lead):
    with frozen(ist(1, 11)):
        response = contact(api(cast["sales"]), lead, notes="ok")
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "notes",
        "code": "notes_required",
        "message": response.json()["detail"],
    }


def test_disposition_suggestions(api, cast):
    client = api(cast["sales"])
    response = client.post(
        "/api/v1/disposition-suggestions",
        {"text": "maine already order kar diya"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (
        response.json()["disposition"] == "already_ordered" and response.json()["confidence"] > 0.5
    )
    assert (
        api(cast["ops"])
        .post("/api/v1/disposition-suggestions", {"text": "x"}, content_type="application/json")
        .status_code
        == 403
    )


def test_missed_follow_ups_are_for_supervisors(api, cast):
    assert api(cast["supervisor"]).get("/api/v1/followups/missed").status_code == 200
    assert api(cast["sales"]).get("/api/v1/followups/missed").status_code == 403


def test_openapi_documents_the_leads_endpoints(api, cast):
    doc = api(None).get("/api/v1/openapi.json").json()
    op = doc["paths"]["/api/v1/leads/{lead_id}/contacts"]["post"]
    assert op["summary"] and {"201", "403", "404", "409", "422"} <= set(op["responses"])
    assert (
        "/api/v1/followups/due" in doc["paths"]
        and "/api/v1/disposition-suggestions" in doc["paths"]
    )
