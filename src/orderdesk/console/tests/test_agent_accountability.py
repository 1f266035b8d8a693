"""M8 in the console: ops and supervisors record errors; a supervisor restores with a reason."""

import pytest

from orderdesk.orders.actions import create_order, record_agent_error
from orderdesk.orders.models import AgentError, AgentRestoration

URL = "/console/agents/errors/"


@pytest.fixture
def agent_orders(cast, catalog):
    from orderdesk.catalog.models import PickupSlot
    from orderdesk.testing.factories import agent_order_request

    PickupSlot.objects.filter(pk=catalog["morning"].pk).update(capacity=10)
    orders = []
    for phone in ("9876543210", "9876543211", "9876543212"):
        orders.append(
            create_order(
                agent_order_request(
                    catalog, customer_name="Asha", customer_phone=phone, line1="14 MG Road",
                    landmark="Metro", upi_id="asha@okaxis", answers={"screen": "flawless", "body": "good"},
                    reason="technical_issue",
                ),
                actor=cast["sales"],
                channel="agent",
            )
        )  # fmt: skip
    return orders


def test_ops_records_an_error_against_the_creating_agent(cast, client, agent_orders):
    client.force_login(cast["ops"])
    response = client.post(
        URL,
        {
            "number": agent_orders[0].display_number,
            "kind": "wrong_pincode",
            "notes": "pincode was 560035",
        },
    )
    assert response.status_code == 302
    error = AgentError.objects.get()
    assert (error.agent, error.recorded_by, error.kind) == (
        cast["sales"],
        cast["ops"],
        "wrong_pincode",
    )


def test_bad_error_input_is_named_and_changes_nothing(cast, client, agent_orders):
    client.force_login(cast["supervisor"])
    response = client.post(URL, {"number": "OD-2222-2222", "kind": "wrong_pincode"})
    assert response.status_code == 422 and "No order" in response.content.decode()
    response = client.post(URL, {"number": agent_orders[0].number, "kind": "bad_vibes"})
    assert response.status_code == 422 and "Unknown error kind" in response.content.decode()
    assert AgentError.objects.count() == 0


@pytest.mark.parametrize("role", ["sales", "cx", "admin"])
def test_other_roles_cannot_record_errors(cast, client, agent_orders, role):
    client.force_login(cast[role])
    response = client.post(URL, {"number": agent_orders[0].number, "kind": "wrong_pincode"})
    assert response.status_code == 403
    assert AgentError.objects.count() == 0


def test_supervisor_sees_the_suspension_and_restores_with_a_reason(cast, client, agent_orders):
    for order in agent_orders:
        record_agent_error(order=order, kind="wrong_condition", notes="", recorded_by=cast["ops"])
    client.force_login(cast["supervisor"])
    html = client.get(URL).content.decode()
    assert "Suspended" in html
    restore_url = f"/console/agents/{cast['sales'].pk}/restore/"
    client.post(restore_url, {"reason": "ok"})
    assert AgentRestoration.objects.count() == 0
    client.post(restore_url, {"reason": "Retrained on condition grading, 23 Nov"})
    assert AgentRestoration.objects.get().restored_by == cast["supervisor"]
    assert "Suspended" not in client.get(URL).content.decode()


def test_ops_cannot_restore(cast, client, agent_orders):
    client.force_login(cast["ops"])
    response = client.post(
        f"/console/agents/{cast['sales'].pk}/restore/", {"reason": "Retrained on condition grading"}
    )
    assert response.status_code == 403 and AgentRestoration.objects.count() == 0
