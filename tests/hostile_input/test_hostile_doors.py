"""Issue 21 finding 9, the probe's own requests: each was a server error."""

from __future__ import annotations

from django.test import Client


def test_s5_kpis_with_far_dates_is_422_not_500(cast, api):
    response = api(cast["supervisor"]).get(
        "/api/v1/kpis", {"from": "9999-12-31", "to": "9999-12-31"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] in {"from", "to"}


def test_s5_a_20_digit_path_id_is_404_not_500(cast):
    client = Client()
    client.force_login(cast["supervisor"])
    assert client.get("/console/leads/99999999999999999999/").status_code == 404


def test_s5_nul_in_a_console_search_and_form_is_400_not_500(cast):
    client = Client()
    client.force_login(cast["sales"])
    assert client.get("/console/leads/search/", {"q": "a\x00b"}).status_code == 400
    assert client.post("/console/csat/not-a-token/", {"comment": "x\x00y"}).status_code == 400
    assert Client().get("/api/v1/catalog/models", {"q": "\x00"}).status_code == 422
