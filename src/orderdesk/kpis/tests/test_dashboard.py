"""The supervisors' KPI dashboard (/console/kpis/): every KPI with formula and figures, the
agent scorecard, filters; other roles 403; bad input shown beside its field."""

from __future__ import annotations

import pytest
from django.test import Client

from orderdesk.kpis.definitions import KPIS
from orderdesk.leads.models import ContactAttempt

URL = "/console/kpis/"
RANGE = {"from": "2025-03-10", "to": "2025-03-11"}


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_supervisor_sees_every_kpi_formula_and_scorecard(world, cast):
    response = _client(cast["supervisor"]).get(URL, RANGE)
    assert response.status_code == 200
    html = response.content.decode()
    for kpi in KPIS:
        assert f'data-kpi="{kpi.key}"' in html
        assert kpi.formula in html.replace("&#x27;", "'")
    assert 'data-agent="sita"' in html and 'data-agent="sameer"' in html
    # Create Order % for the floor: 2 ÷ 6.
    assert "33.3 %" in html
    # The nav offers the page to supervisors.
    assert 'href="/console/kpis/"' in html


def test_drill_into_one_agent(world, cast):
    response = _client(cast["supervisor"]).get(URL, {**RANGE, "agent": world.sameer.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-agent="sameer"' in html and 'data-agent="sita"' not in html
    assert "100.0 %" in html  # his follow-up compliance (1 ÷ 1)


@pytest.mark.parametrize("role", ["sales", "cx", "ops", "admin"])
def test_other_roles_get_403_and_nothing_changes(world, cast, role):
    before = ContactAttempt.objects.count()
    response = _client(cast[role]).get(URL, RANGE)
    assert response.status_code == 403
    assert b"kpi-table" not in response.content
    assert ContactAttempt.objects.count() == before
    assert (
        b'href="/console/kpis/"' not in _client(cast[role]).get("/console/training-card/").content
    )


def test_anonymous_is_sent_to_sign_in(db):
    response = Client().get(URL)
    assert response.status_code == 302 and "/console/login/" in response["Location"]


def test_bad_dates_are_shown_beside_the_field(cast):
    response = _client(cast["supervisor"]).get(URL, {"from": "2025-03-12", "to": "2025-03-10"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="kpi-from-error"><p>' in html
    assert "is after" in html
    assert 'data-testid="kpi-table"' not in html
