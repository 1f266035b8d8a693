# ruff: noqa: F811  (the shared fixtures are imported and used as arguments)
"""Issue 15 (14), SOP 004 coaching and feedback: an agent sees their own scorecard, their
scored audits and the M8 errors recorded against them — never another agent's."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orderdesk.kpis.models import AgentAudit
from orderdesk.kpis.selectors import build_scope, own_work
from orderdesk.orders.models import AgentError
from orderdesk.orders.tests.conftest import order_request  # noqa: F401  (fixture)
from orderdesk.orders.tests.test_lifecycle_support import new_order  # noqa: F401  (fixture)

MY_WORK = reverse("console:my_work")

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def scored_audit(order, agent, supervisor, notes: str) -> AgentAudit:
    return AgentAudit.objects.create(
        subject="order",
        order=order,
        agent=agent,
        weight=1.0,
        status="scored",
        drawn_by=supervisor,
        scored_by=supervisor,
        scored_at=timezone.now(),
        answers={"consent": False},
        score=10,
        notes=notes,
    )


@pytest.fixture
def floor(cast, new_order):
    """Sita (sales) created two orders; Sameer (sales2) none. Each has a scored audit and an
    error; Sameer also an audit still to score."""
    sita, sameer, boss = cast["sales"], cast["sales2"], cast["supervisor"]
    first, second = new_order(), new_order()
    scored_audit(first, sita, boss, "Sita: read the consent words back")
    scored_audit(second, sameer, boss, "Sameer: confirm the pincode")
    AgentAudit.objects.create(
        subject="order", order=first, agent=sameer, weight=1.0, drawn_by=boss, notes="pending"
    )
    AgentError.objects.create(
        agent=sita, order=first, kind="wrong_model", notes="Sita picked 256 GB", recorded_by=boss
    )
    AgentError.objects.create(
        agent=sameer, order=second, kind="wrong_pincode", notes="Sameer typo", recorded_by=boss
    )
    return {"sita": sita, "sameer": sameer, "first": first, "second": second}


def test_an_agent_sees_their_own_scorecard_audits_and_errors(cast, floor):
    html = signed_in(floor["sita"]).get(MY_WORK).content.decode()
    assert "Sita: read the consent words back" in html
    assert "Sita picked 256 GB" in html and floor["first"].display_number in html
    assert 'data-kpi="create_order_pct"' in html


def test_agent_a_cannot_see_agent_b_numbers_or_audits_even_by_asking(cast, floor):
    sita, sameer = floor["sita"], floor["sameer"]
    scope = build_scope()
    mine, theirs = own_work(sameer, scope), own_work(sita, scope)

    def figures(work):
        return [(r.numerator, r.denominator) for r in work.results]

    assert figures(mine) != figures(theirs)  # Sita's two orders count; Sameer has none
    response = signed_in(sameer).get(MY_WORK, {"agent": sita.pk, "team": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sita: read the consent words back" not in html and "Sita picked 256 GB" not in html
    assert "Sameer: confirm the pincode" in html and "Sameer typo" in html
    assert "pending" not in html  # an audit still to score is not announced
    for result in mine.results:  # Sameer's own numbers, not Sita's
        row = html.split(f'data-kpi="{result.kpi.key}"', 1)[1].split("</tr>", 1)[0]
        expected = (
            f"{result.numerator} / {result.denominator}"
            if result.denominator is not None
            else f"{result.numerator}"
        )
        assert expected in row, (result.kpi.key, row)


def test_the_selector_is_scoped_to_the_agent_whatever_the_scope_says(cast, floor):
    work = own_work(floor["sameer"], build_scope(agent=floor["sita"].pk))
    assert work.scope.agent_id == floor["sameer"].pk
    assert {v.audit.agent_id for v in work.audits} == {floor["sameer"].pk}
    assert {e.agent_id for e in work.errors} == {floor["sameer"].pk}


@pytest.mark.parametrize("role", ["ops", "supervisor", "admin"])
def test_only_sales_and_cx_agents_have_the_page(cast, role):
    assert signed_in(cast[role]).get(MY_WORK).status_code == 403


def test_a_bad_range_is_refused_in_words_and_the_page_still_shows(cast, floor):
    response = signed_in(floor["sita"]).get(MY_WORK, {"from": "yesterday"})
    assert response.status_code == 422
    assert "is not a date" in response.content.decode()


def test_the_navigation_offers_my_work_to_agents_only(cast):
    assert f'href="{MY_WORK}"' in signed_in(cast["cx"]).get("/console/cx/").content.decode()
    sup = signed_in(cast["supervisor"]).get("/console/supervisor/").content.decode()
    assert f'href="{MY_WORK}"' not in sup
