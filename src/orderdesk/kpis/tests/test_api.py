"""GET /api/v1/kpis (SPEC §11): supervisors only; every KPI with numerator, denominator,
value and formula; bad input is a 422 naming the field."""

from __future__ import annotations

import pytest

from orderdesk.kpis.definitions import KPIS
from orderdesk.kpis.tests.test_definitions import EXPECTED_ALL, EXPECTED_SITA
from orderdesk.leads.models import ContactAttempt
from orderdesk.orders.models import Order

URL = "/api/v1/kpis"


def test_supervisor_gets_every_kpi_with_its_figures_and_formula(world, api):
    response = api(_supervisor(world)).get(URL, {"from": "2025-03-10", "to": "2025-03-11"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["scope"] == {
        "from": "2025-03-10",
        "to": "2025-03-11",
        "agent": None,
        "team": None,
        "city": None,
        "timezone": "Asia/Kolkata",
    }
    assert [k["key"] for k in body["kpis"]] == [k.key for k in KPIS]
    for item in body["kpis"]:
        assert (item["numerator"], item["denominator"], item["value"]) == EXPECTED_ALL[item["key"]]
        assert item["formula"]


def test_agent_and_team_filters(world, api):
    client = api(_supervisor(world))
    by_agent = client.get(URL, {"from": "2025-03-10", "to": "2025-03-11", "agent": world.sita.pk})
    by_team = client.get(URL, {"from": "2025-03-10", "to": "2025-03-11", "team": world.team_a.pk})
    assert by_agent.status_code == by_team.status_code == 200
    figures = {k["key"]: k for k in by_agent.json()["kpis"]}
    assert (
        figures["create_order_pct"]["numerator"],
        figures["create_order_pct"]["denominator"],
        figures["create_order_pct"]["value"],
    ) == EXPECTED_SITA["create_order_pct"]
    team_figures = {k["key"]: k for k in by_team.json()["kpis"]}
    assert team_figures["create_order_pct"]["value"] == 25.0


@pytest.mark.parametrize("role", ["sales", "sales2", "cx", "ops", "admin", "app", "vendor"])
def test_other_roles_are_refused_403_and_nothing_changes(world, api, cast, role):
    counts = (ContactAttempt.objects.count(), Order.objects.count())
    response = api(cast[role]).get(URL, {"from": "2025-03-10", "to": "2025-03-11"})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "forbidden"
    assert (ContactAttempt.objects.count(), Order.objects.count()) == counts


def test_no_token_is_401(db, api):
    assert api().get(URL).status_code == 401


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"from": "2025-13-01"}, "from", "not_a_date"),
        ({"to": "yesterday"}, "to", "not_a_date"),
        ({"from": "2025-03-12", "to": "2025-03-10"}, "from", "range_reversed"),
        ({"from": "2020-01-01", "to": "2025-03-10"}, "to", "range_too_long"),
        ({"agent": "sita"}, "agent", "not_an_integer"),
        ({"agent": "999999"}, "agent", "unknown_agent"),
        ({"team": "999999"}, "team", "unknown_team"),
    ],
)
def test_bad_input_is_422_naming_the_field(cast, api, params, field, code):
    response = api(cast["supervisor"]).get(URL, params)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["errors"][0]["field"] == field
    assert body["errors"][0]["code"] == code


def test_defaults_to_the_last_30_ist_days(cast, api):
    body = api(cast["supervisor"]).get(URL).json()
    import datetime as dt

    start = dt.date.fromisoformat(body["scope"]["from"])
    end = dt.date.fromisoformat(body["scope"]["to"])
    assert (end - start).days == 29


def test_documented_in_openapi(db, client):
    spec = client.get("/api/v1/openapi.json").json()
    params = {p["name"] for p in spec["paths"]["/api/v1/kpis"]["get"]["parameters"]}
    assert {"from", "to", "agent", "team"} <= params


def _supervisor(world):
    from orderdesk.accounts.models import User

    return User.objects.get(username="suman")
