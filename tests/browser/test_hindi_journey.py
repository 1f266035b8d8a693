"""Issue 18, "Hindi in the console": a Hindi-speaking agent's lead page, in Chromium.

The agent picks Hindi on the console's Language page; the lead page's chrome (navigation,
headings, the call panel's steps) is then Hindi with ``<html lang="hi">``, while the script
the agent reads aloud follows the customer: Hindi for a Hindi-speaking customer, English (and
marked ``lang="en"``) for an English-speaking one. axe-core reports no serious or critical
violation on the Hindi page and there is no CSP violation or script error.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AXE = (
    Path(__file__).resolve().parents[2] / "src/orderdesk/console/static/console/vendor/axe.min.js"
).read_text()
CSP_RECORDER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def axe_serious_or_critical(page) -> list[str]:
    page.evaluate(AXE)
    ran, violations = page.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return [r.passes.length + r.violations.length,"
        " r.violations.filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(' | '))]; }"
    )
    assert ran > 10, f"axe ran only {ran} rules"  # it really ran
    return violations


@pytest.fixture
def leads(db):
    from orderdesk.leads.actions import create_lead
    from orderdesk.leads.seeding import ensure_default_settings
    from orderdesk.testing.factories import make_customer, make_user

    ensure_default_settings()
    agent = make_user("sales", "sita")
    hindi = make_customer(name="Ramesh Yadav", phone="+919812345678")
    hindi.language = "hi"
    hindi.save(update_fields=["language"])
    english = make_customer(name="Kavya Menon", phone="+919812345679")
    return {
        "hindi": create_lead(customer=hindi, source="app_quote", owner=agent)[0],
        "english": create_lead(customer=english, source="app_quote", owner=agent)[0],
    }


def test_a_hindi_speaking_agents_lead_page(leads, sign_in, page):
    page.add_init_script(CSP_RECORDER)
    sign_in("sita")

    # The agent's own setting, from the header's Language link.
    page.get_by_test_id("language-link").click()
    page.get_by_role("radio", name="हिन्दी (Hindi)").check()
    page.get_by_role("button", name="Save language").click()
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.locator(".messages")).to_contain_text("आपकी कंसोल भाषा सेव हो गई है।")
    expect(page.get_by_role("navigation", name="मुख्य")).to_contain_text("लीड कतार")

    # A Hindi-speaking customer's lead: Hindi chrome, the script in Hindi.
    page.goto(f"/console/leads/{leads['hindi'].pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ramesh Yadav")
    panel = page.get_by_test_id("call-panel")
    expect(panel.get_by_role("heading", name="संपर्क दर्ज करें")).to_be_visible()
    panel.get_by_role("radio", name="बात हुई", exact=True).check()
    panel.get_by_role("radio", name="ऑर्डर पहले ही कर दिया").check()  # the disposition
    say = panel.get_by_test_id("sop-script").locator("blockquote:visible")
    expect(say).to_have_attribute("lang", "hi")
    expect(say).to_contain_text("कन्फ़र्म करने के लिए धन्यवाद")
    expect(panel.get_by_role("button", name="संपर्क दर्ज करें")).to_be_visible()

    page.wait_for_load_state("networkidle")
    problems = axe_serious_or_critical(page)
    problems += [f"CSP {v}" for v in page.evaluate("window.__csp")]
    problems += [f"console {e}" for e in page.console_errors]
    assert problems == [], json.dumps(problems, indent=1, ensure_ascii=False)

    # An English-speaking customer's lead: the same Hindi chrome, the script in English.
    page.goto(f"/console/leads/{leads['english'].pk}/")
    panel = page.get_by_test_id("call-panel")
    expect(panel.get_by_role("heading", name="संपर्क दर्ज करें")).to_be_visible()
    panel.get_by_role("radio", name="बात हुई", exact=True).check()
    panel.get_by_role("radio", name="ऑर्डर पहले ही कर दिया").check()  # the disposition
    say = panel.get_by_test_id("sop-script").locator("blockquote:visible")
    expect(say).to_have_attribute("lang", "en")
    expect(say).to_contain_text("Great! Thanks for confirming.")
    problems = axe_serious_or_critical(page) + [f"CSP {v}" for v in page.evaluate("window.__csp")]
    assert problems == [], json.dumps(problems, indent=1, ensure_ascii=False)
