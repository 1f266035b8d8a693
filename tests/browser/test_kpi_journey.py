"""A supervisor reads the KPIs and audits an agent's order (SPEC §7, M8, issue 8): opens the
dashboard and sees the trend charts drawn (Chart.js on a canvas, under the strict CSP), drills
into one agent's scorecard and into the records behind a figure, draws an audit sample, scores
one order on the SOP checklist and records an error against the agent who created it."""

import pytest
from playwright.sync_api import expect

from orderdesk.kpis.models import AgentAudit
from orderdesk.kpis.tests.conftest import D1, D2, world  # noqa: F401 (the hand-made KPI world)
from orderdesk.orders.models import AgentError

pytestmark = pytest.mark.browser


def test_supervisor_reads_charts_drills_into_an_agent_and_audits_an_order(
    cast,
    world,  # noqa: F811 (the fixture imported above)
    page,
    sign_in,
):
    sign_in("suman")
    page.get_by_role("link", name="KPIs", exact=True).click()
    page.get_by_label("From (IST day)").fill(D1.isoformat())
    page.get_by_label("To (IST day, included)").fill(D2.isoformat())
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()

    # The charts: every canvas was drawn by Chart.js with data points (2 IST days).
    charts = page.locator("canvas.kpi-chart")
    expect(charts).to_have_count(5)
    first = page.get_by_test_id("chart-create_order_pct").locator("canvas")
    expect(first).to_have_attribute("data-rendered", "2")
    drawn = first.evaluate("c => window.Chart.getChart(c).data.datasets[0].data")
    assert len(drawn) == 2 and all(isinstance(v, int | float) for v in drawn)
    assert first.evaluate("c => c.width > 0 && c.height > 0")
    expect(
        page.get_by_test_id("kpi-table").locator('tr[data-kpi="create_order_pct"]')
    ).to_contain_text("33.3 %")

    # Drill into Sita's scorecard: the page is filtered to her.
    page.get_by_test_id("scorecard").get_by_role("link", name="sita").click()
    page.wait_for_load_state()
    expect(page.get_by_label("Agent", exact=True)).to_have_value(str(cast["sales"].pk))
    expect(
        page.get_by_test_id("kpi-table").locator('tr[data-kpi="create_order_pct"]')
    ).to_contain_text("25.0 %")
    # ... and into the records behind her Create Order % numerator: the lead O3 came from
    # (the numerator is drawn from the denominator's leads, issue 18).
    page.get_by_test_id("drill-create_order_pct").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("drill-numerator")).to_contain_text(
        f"Lead {world.o3.source_lead_id}"
    )
    expect(page.get_by_test_id("drill-denominator")).to_contain_text("4 lead records")

    # Audit: draw one of the agents' orders from the range and score it.
    page.get_by_role("link", name="Audits", exact=True).click()
    page.get_by_label("How many").fill("1")
    page.get_by_label("From (IST day)").fill(D1.isoformat())
    page.get_by_label("To (IST day)").fill(D2.isoformat())
    page.get_by_role("button", name="Draw sample").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("drawn")).to_contain_text("1 drawn")
    audit = AgentAudit.objects.get()
    page.get_by_test_id("audit-list").get_by_role("link", name=f"#{audit.pk}").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("audit-agent")).to_have_text(str(audit.agent))
    checklist = page.get_by_test_id("checklist")
    for row in checklist.locator("tr[data-item]").all():
        key = row.get_attribute("data-item")
        row.locator(f'input[value="{"fail" if key == "condition" else "pass"}"]').check()
    page.get_by_label("Notes").fill("Screen was cracked, recorded as scratched")
    page.get_by_role("button", name="Record audit").click()
    page.wait_for_load_state()

    expect(page.get_by_test_id("audit-status")).to_contain_text("Scored")
    expect(page.get_by_test_id("recorded-errors")).to_contain_text("Incorrect condition selection")
    error = AgentError.objects.get(order=audit.order, kind="wrong_condition")
    assert error.agent == audit.order.created_by

    # The auditor reads the audited order's facts on the audit page and opens the order
    # itself (issue 18: the link went to an ops page that answered 403 to a supervisor).
    expect(page.get_by_test_id("order-facts")).to_contain_text(audit.order.display_number)
    page.get_by_test_id("audit-order-link").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("order-view")).to_contain_text(audit.order.display_number)
    expect(page.get_by_test_id("order-history")).to_be_visible()
    assert error.recorded_by == cast["supervisor"]
    assert page.console_errors == []  # no CSP violation, no script error
