"""What each home shows, and that every page keeps to the CSP (no inline script or
style, nothing from another origin)."""

import datetime as dt
import re

import pytest

from orderdesk.accounts.models import Team
from orderdesk.catalog.models import PickupSlot
from orderdesk.console.tests.conftest import HOMES
from orderdesk.core.models import AuditEvent
from orderdesk.core.timeutil import today_ist

pytestmark = pytest.mark.django_db


def test_ops_home_shows_slot_capacity_and_vendors_per_city(client_for, catalog):
    PickupSlot.objects.create(
        city=catalog["city"],
        date=today_ist(),
        window_start=dt.time(9),
        window_end=dt.time(11),
        capacity=3,
        booked=3,
    )
    PickupSlot.objects.create(  # the day after tomorrow: not shown
        city=catalog["city"],
        date=today_ist() + dt.timedelta(days=2),
        window_start=dt.time(9),
        window_end=dt.time(11),
        capacity=9,
    )
    html = client_for("ops").get("/console/ops/").content.decode()
    assert "<h3>Bengaluru</h3>" in html
    assert re.search(
        r"09:00-11:00</td>\s*<td class=\"num\">3 / 3</td>\s*<td><span class=\"tag tag--warn\">Full",
        html,
    )
    assert re.search(r"10:00-13:00</td>\s*<td class=\"num\">0 / 2</td>\s*<td>2 free", html)
    assert "0 / 9" not in html
    assert "QuickPick Bengaluru" in html
    assert "Cast Vendor" in html  # the cast's vendor, in Cast City


def test_supervisor_home_shows_teams_and_the_latest_audit_events(cast, client_for):
    team = Team.objects.create(name="Inbound Sales — Bengaluru", supervisor=cast["supervisor"])
    cast["sales"].team = team
    cast["sales"].save()
    client = client_for("supervisor")
    # Something for the audit trail: the sales agent changes her password in the console.
    client_for("sales").post(
        "/console/password/",
        {
            "old_password": "correct-horse-battery",
            "new_password1": "monsoon-ledger-4419",
            "new_password2": "monsoon-ledger-4419",
        },
    )
    html = client.get("/console/supervisor/").content.decode()
    assert "<h3>Inbound Sales — Bengaluru</h3>" in html
    assert "Supervisor: Suman" in html
    assert re.search(
        r"<span>Sita</span> <span class=\"role-badge role-badge--light\">Sales agent</span>", html
    )
    assert "user.change_password" in html
    assert html.count("<tr>") - 1 == min(AuditEvent.objects.count(), 50)


def test_supervisor_home_lists_at_most_fifty_audit_events(cast, client_for, catalog):
    from orderdesk.core import audit

    for _ in range(55):
        audit.record("catalog.touch", catalog["iphone"])
    html = client_for("supervisor").get("/console/supervisor/").content.decode()
    assert html.count("catalog.touch") == 50


def test_admin_home_counts_the_catalog_and_service_areas(client_for, catalog):
    html = client_for("admin").get("/console/admin-home/").content.decode()
    counts = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", html))
    assert counts == {
        "Device types": "2",
        "Brands": "1",
        "Models": "2",
        "Variants": "3",
        "Cities": "2",  # Bengaluru and the cast's city
        "Pincodes": "1",
        "Vendors": "2",
    }
    assert 'href="/admin/catalog/devicemodel/"' in html


def test_every_home_has_the_landmarks_and_a_skip_link(client_for, catalog):
    for role, url in HOMES.items():
        html = client_for(role).get(url).content.decode()
        assert '<a class="skip-link" href="#main">' in html
        assert '<main id="main"' in html
        assert '<nav class="site-nav" aria-label="Main">' in html
        assert f'data-testid="role-home" data-role="{role}"' in html


PAGES = [
    ("sales", "/console/sales/"),
    ("cx", "/console/cx/"),
    ("ops", "/console/ops/"),
    ("supervisor", "/console/supervisor/"),
    ("admin", "/console/admin-home/"),
    ("sales", "/console/password/"),
    ("ops", "/console/sales/"),  # the 403 page
    ("sales", "/console/tools/quote/models/?q=iphone"),
    ("sales", "/console/tools/serviceability/?pincode=560034"),
]


@pytest.mark.parametrize(("role", "url"), PAGES)
def test_pages_keep_to_the_content_security_policy(client_for, catalog, role, url):
    response = client_for(role).get(url)
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "the page loads its scripts"
    assert all(re.search(r'\bsrc="/static/', tag) for tag in scripts), scripts  # no inline <script>
    assert html.count("<script") == html.count("></script>")  # and no code between the tags
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing from another origin


def test_login_page_keeps_to_the_csp_too(db, client):
    html = client.get("/console/login/").content.decode()
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)


def test_vendored_assets_are_served_from_our_origin(client_for):
    from django.contrib.staticfiles import finders

    assert finders.find("console/vendor/htmx.min.js")
    assert finders.find("console/console.css")
    assert finders.find("console/console.js")


@pytest.mark.parametrize("role", sorted(HOMES))
def test_no_home_shows_a_stale_not_built_yet_placeholder(client_for, role):
    """Issue 18: "KPIs and scorecards — Not built yet" (supervisor), "SOP settings" (admin)."""
    html = client_for(role).get(HOMES[role]).content.decode()
    assert "Not built yet" not in html and "later release" not in html


def test_the_supervisor_and_admin_homes_link_to_what_was_built(client_for):
    supervisor = client_for("supervisor").get(HOMES["supervisor"]).content.decode()
    for url in ("/console/kpis/", "/console/kpis/audits/", "/console/cx/escalations/"):
        assert f'href="{url}"' in supervisor
    admin = client_for("admin").get(HOMES["admin"]).content.decode()
    for url in ("/admin/orders/order/", "/admin/leads/contactpolicy/", "/admin/cx/slapolicy/"):
        assert f'href="{url}"' in admin
