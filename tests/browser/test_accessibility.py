"""Issue 18: every console page, for every role, in Chromium:

- axe-core (vendored from npm, injected only here) reports no serious or critical violation;
- no Content Security Policy violation (``securitypolicyviolation`` events) and no script
  error on the page;
- at 390 px (a phone) nothing is clipped: the page does not scroll sideways and every table
  either fits or sits in a scroll container.

The pages are the access matrix's GET rows for each role (fragments for HTMX, CSV/JSON
downloads and the customer's CSAT link are left out: they are not pages a person reads in the
console). A page added to the matrix without a way to open it here fails the last test.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from django.test import Client

from orderdesk.accounts import access_matrix as matrix
from orderdesk.core.timeutil import IST

pytestmark = pytest.mark.browser

AXE = (
    Path(__file__).resolve().parents[2] / "src/orderdesk/console/static/console/vendor/axe.min.js"
).read_text()

# Rows that are not pages: HTMX fragments, downloads, the customer's own link, sign-in steps.
NOT_PAGES = {
    "console:login",  # checked signed out below
    "console:lead_search",
    "console:lead_suggest",
    "console:quote_models",
    "console:quote_questions",
    "console:serviceability",
    "console:customer_search",
    "console:import_progress",
    "console:import_errors",
    "console:customer_export",
    "console:export_leads",
    "console:export_orders",
    "console:kpi_export",
    "console:kpi_audit_export",
    "console:csat_answer",
    "console:two_factor_setup",
    "console:two_factor_verify",
    "console:ops_find_order",  # a redirect to the order or the board
    "console:home",  # a redirect to the role's home
    "console:import_detail",  # needs an uploaded file; its template is the list's
    "console:call_status",  # an HTMX fragment polled by the call panel
    "console:call_pop",  # an HTMX fragment polled for the inbound screen-pop
    "console:call_recording",  # an audio stream (audited listening)
    "console:nav_counts",  # an HTMX fragment polled for the navigation's counts
    "console:next_lead",  # a redirect to the agent's next lead
}

CSP_RECORDER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""

CLIPPED = """() => {
  const problems = [];
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth > width + 1) {
    problems.push('page scrolls sideways: ' + document.documentElement.scrollWidth + 'px');
  }
  for (const table of document.querySelectorAll('table')) {
    let scroller = null;
    for (let el = table.parentElement; el; el = el.parentElement) {
      const overflow = getComputedStyle(el).overflowX;
      if (overflow === 'auto' || overflow === 'scroll') { scroller = el; break; }
    }
    const right = table.getBoundingClientRect().right;
    if (!scroller && right > width + 1) {
      problems.push('table clipped: ' + (table.caption ? table.caption.textContent.trim() : table.className));
    }
  }
  return problems;
}"""


def _paths(world) -> dict[str, str]:
    """A path for every page row, from the world below."""
    from django.urls import reverse

    order, lead, ticket, audit = world["order"], world["lead"], world["ticket"], world["audit"]
    return {
        "console:search": reverse("console:search") + "?q=98765+43210",
        "console:sales_home": reverse("console:sales_home"),
        "console:cx_home": reverse("console:cx_home"),
        "console:ops_home": reverse("console:ops_home"),
        "console:supervisor_home": reverse("console:supervisor_home"),
        "console:admin_home": reverse("console:admin_home"),
        "console:password_change": reverse("console:password_change"),
        "console:language": reverse("console:language"),
        "console:order_wizard": reverse("console:order_wizard"),
        "console:order_created": reverse("console:order_created", args=[order.number]),
        "console:order_view": reverse("console:order_view", args=[order.number]),
        "console:agent_errors": reverse("console:agent_errors"),
        "console:my_work": reverse("console:my_work"),
        "console:whatsapp_new_lead": reverse("console:whatsapp_new_lead") + "?phone=98123+45678",
        "console:lead_queue": reverse("console:lead_queue"),
        "console:lead_oversight": reverse("console:lead_oversight"),
        "console:kpi_dashboard": reverse("console:kpi_dashboard"),
        "console:lead_detail": reverse("console:lead_detail", args=[lead.pk]),
        "console:training_card": reverse("console:training_card"),
        "console:ops_board": reverse("console:ops_board"),
        "console:ops_order": reverse("console:ops_order", args=[order.number]),
        "console:cx_queues": reverse("console:cx_queues"),
        "console:cx_ticket_new": reverse("console:cx_ticket_new"),
        "console:cx_ticket": reverse("console:cx_ticket", args=[ticket.pk]),
        "console:cx_lookup": reverse("console:cx_lookup") + f"?q={order.number}",
        "console:cx_escalations": reverse("console:cx_escalations"),
        "console:audit_log": reverse("console:audit_log"),
        "console:customer_privacy": reverse("console:customer_privacy"),
        "console:customer_privacy_detail": reverse(
            "console:customer_privacy_detail", args=[order.customer_id]
        ),
        "console:import_list": reverse("console:import_list"),
        "console:export_page": reverse("console:export_page"),
        "console:kpi_drill": reverse("console:kpi_drill", args=["create_order_pct"]),
        "console:kpi_audits": reverse("console:kpi_audits"),
        "console:kpi_audit": reverse("console:kpi_audit", args=[audit.pk]),
        "console:wallboard": reverse("console:wallboard"),
        "console:callbacks": reverse("console:callbacks"),
        "console:customer_detail": reverse("console:customer_detail", args=[order.customer_id]),
        "console:lead_handover": reverse("console:lead_handover", args=[lead.pk]),
        "console:order_training_card": reverse("console:order_training_card"),
    }


def _pages_for(role: str) -> list[str]:
    names = []
    for key, entry in matrix.CONSOLE.items():
        method, _, name = key.partition(" ")
        if (
            method == "GET"
            and name.startswith("console:")
            and name not in NOT_PAGES
            and role in entry.allowed
        ):
            names.append(name)
    return sorted(names)


@pytest.fixture
def world(cast, catalog):
    from orderdesk.customers.models import Customer
    from orderdesk.cx.actions import open_ticket
    from orderdesk.kpis.actions import draw_audit_sample
    from orderdesk.leads.actions import create_lead, log_contact
    from orderdesk.leads.seeding import ensure_default_settings
    from orderdesk.orders.actions import OrderRequest, create_order
    from orderdesk.orders.lifecycle import transition

    ensure_default_settings()
    order = create_order(
        OrderRequest(
            customer_name="Asha Rao",
            customer_phone="98765 43210",
            line1="14, 3rd Cross, 5th Block",
            landmark="Opposite Forum Mall",
            city="Bengaluru",
            pincode="560034",
            slot_id=catalog["morning"].pk,
            payment_method="upi",
            upi_id="asha.rao@okaxis",
            variant_id=catalog["v128"].pk,
            answers={"screen": "scratched", "body": "good"},
            reason="customer_requested_help",
            consent_confirmed=True,
            consent_statement="Yes, please place the order",
            price_confirmed=True,
        ),
        actor=cast["sales"],
        channel="agent",
    )
    order = transition(order, "vendor_assigned", actor=cast["ops"])
    customer = Customer.objects.create(name="Kavya Menon", phone="+919812345678")
    lead, _ = create_lead(customer=customer, source="app_quote", owner=cast["sales"])
    log_contact(  # the contacts table (issue 18: clipped at 390 px)
        lead,
        agent=cast["sales"],
        channel="call",
        direction="inbound",
        connected=True,
        disposition="waiting_for_quote",
        notes="Wants the estimate for the 256 GB variant on WhatsApp before deciding.",
        customer_words="Send me the price for the bigger one first",
    )
    ticket = open_ticket(
        type="price_dispute",
        customer=order.customer,
        order=order,
        notes="I didn't agree to this price",
        channel="call",
    )
    today = order.created_at.astimezone(IST).date()  # the sample's days are IST days
    [audit] = draw_audit_sample(
        subject="order", size=1, drawn_by=cast["supervisor"], since=today, until=today
    )
    return {"order": order, "lead": lead, "ticket": ticket, "audit": audit}


def _signed_in_context(browser, live_server, user, width):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}, locale="en-IN"
    )
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
    context.add_init_script(CSP_RECORDER)
    return context


HTMX_SETTLED = (
    "() => document.readyState === 'complete' && !document.querySelector('.htmx-request')"
    " && !document.querySelector('.htmx-settling, .htmx-swapping')"
)


def _poll(page, predicate: str, *, seconds: float) -> bool:
    """Whether ``predicate`` (a JavaScript function) came true within ``seconds``, asked every
    25 ms through ``page.evaluate``. Not ``page.wait_for_function``: its polling evaluates the
    predicate as a string in the page, which the console's CSP (no 'unsafe-eval') refuses."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(predicate):
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(25)
    return True


def _check(page, path: str) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    response = page.goto(path)
    problems = []
    if response is None or response.status >= 400:
        problems.append(f"{path}: answered {response.status if response else 'nothing'}")
    # Loaded, and no htmx request in flight (a fragment fetched on load has been swapped in).
    # Not "networkidle": that waits a fixed 500 ms of quiet on every page, about a minute of
    # CI across the sweeps (issue 14); the pages fetch nothing but through htmx.
    if not _poll(page, HTMX_SETTLED, seconds=10):
        problems.append(f"{path}: an htmx request was still in flight after 10 s")
    page.evaluate(AXE)
    ran, result = page.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return [r.passes.length + r.violations.length,"
        " r.violations.filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(' | '))]; }"
    )
    assert ran > 10, f"axe ran only {ran} rules on {path}"  # it really ran
    problems += [f"{path}: axe {v}" for v in result]
    problems += [f"{path}: CSP {v}" for v in page.evaluate("window.__csp")]
    problems += [f"{path}: console {e}" for e in errors]
    return problems


def _settle_after_resize(page) -> None:
    """Let what lays itself out in script catch up with the narrower window: Chart.js's
    charts resize from a ResizeObserver, a frame or two after the viewport changes. A page
    that still scrolls sideways after a second is reported by the clipping check."""
    _poll(page, "() => document.documentElement.scrollWidth <= window.innerWidth + 1", seconds=1)


@pytest.mark.parametrize("role", ["sales", "cx", "ops", "supervisor", "admin"])
def test_every_page_of_every_role_passes_axe_with_no_csp_violation_and_nothing_clipped_at_390_px(
    browser, live_server, cast, world, role
):
    """Each page is opened once: axe and the CSP check at 1366 px, then the same page narrowed
    to 390 px (a phone) for the clipping check — the media queries apply on the resize, as
    on a phone turned or a window narrowed, so the page need not load a second time."""
    _sweep(browser, live_server, cast[role], _paths(world), _pages_for(role), lang="en-IN")


def _sweep(browser, live_server, user, paths, names, lang):
    context = _signed_in_context(browser, live_server, user, 1366)
    problems = []
    clipped = []
    for name in names:
        page = context.new_page()
        problems += _check(page, paths[name])
        if page.evaluate("document.documentElement.lang") != lang:
            problems.append(f"{paths[name]}: html lang is not {lang}")
        page.set_viewport_size({"width": 390, "height": 900})
        assert page.evaluate("window.innerWidth") == 390
        _settle_after_resize(page)
        clipped += [f"{paths[name]}: {p}" for p in page.evaluate(CLIPPED)]
        page.close()
    context.close()
    assert problems == [], json.dumps(problems, indent=1, ensure_ascii=False)
    assert clipped == [], "clipped at 390 px: " + json.dumps(clipped, indent=1, ensure_ascii=False)


@pytest.mark.parametrize("width", [1366, 390])
def test_the_context_sidebar_sits_beside_the_page_and_folds_below_it_on_a_phone(
    browser, live_server, cast, world, width
):
    """Issue 18: the lead page's context sidebar is beside the main content on a desk screen
    and below it at 390 px."""
    context = _signed_in_context(browser, live_server, cast["supervisor"], width)
    page = context.new_page()
    page.goto(_paths(world)["console:lead_detail"])
    main = page.locator(".with-sidebar__main").bounding_box()
    side = page.get_by_test_id("context-sidebar").bounding_box()
    context.close()
    if width == 390:
        assert side["y"] >= main["y"] + main["height"] - 1, (main, side)
    else:
        assert side["x"] >= main["x"] + main["width"] - 1 and side["y"] < main["y"] + 200


def test_the_sign_in_and_not_found_pages_pass_axe_signed_out(browser, live_server):
    context = _signed_in_context(browser, live_server, None, 1366)
    problems = []
    for path in ("/console/login/", "/console/no-such-page/"):
        page = context.new_page()
        problems += [p for p in _check(page, path) if "answered 404" not in p]
        page.close()
    context.close()
    assert [p for p in problems if "status of 404" not in p] == []


def test_every_page_row_has_a_path_here(cast, world):
    paths = _paths(world)
    missing = {name for role in matrix.STAFF for name in _pages_for(role)} - set(paths)
    assert missing == set()


def test_no_frame_is_drawn_around_main_when_it_takes_focus(browser, live_server, cast):
    """Issue 18: a thick frame appeared around <main> after each action (focus moved there)."""
    context = _signed_in_context(browser, live_server, cast["sales"], 1366)
    page = context.new_page()
    page.goto("/console/training-card/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Enter")
    frame = page.evaluate(
        "() => { const m = document.querySelector('main'); const s = getComputedStyle(m);"
        " return [document.activeElement === m, s.outlineStyle, s.boxShadow]; }"
    )
    context.close()
    assert frame == [True, "none", "none"]


@pytest.mark.parametrize("role", ["sales", "cx"])
def test_a_hindi_speaking_agents_pages_pass_axe_with_no_csp_violation_nor_clipping(
    browser, live_server, cast, world, role
):
    """Issue 18, "Hindi in the console": the same sweep for an agent whose console speaks
    Hindi (``<html lang="hi">``, translated chrome); Hindi's longer words must not clip at
    390 px either."""
    user = cast[role]
    user.language = "hi"
    user.save(update_fields=["language"])
    _sweep(browser, live_server, user, _paths(world), _pages_for(role), lang="hi")
