"""Signing in, signing out, and who may open which home (SPEC §1, §9: every person acts only within their role)."""

import pytest
from django.test import Client

from orderdesk.console.tests.conftest import HOMES
from orderdesk.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db

HEADINGS = {
    "sales": "Sales desk",
    "cx": "CX desk",
    "ops": "Operations",
    "supervisor": "Supervisor",
    "admin": "Back office",
}

# Every home belongs to exactly one role (supervisors see escalations, not the CX desk).
ALSO_ALLOWED: set[tuple[str, str]] = set()


@pytest.mark.parametrize("role", list(HOMES))
def test_sign_in_lands_each_staff_role_on_its_home(cast, role):
    client = Client()
    response = client.post(
        "/console/login/", {"username": cast[role].username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1] == (HOMES[role], 302)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-role="{role}"' in html
    assert f"<h1>{HEADINGS[role]}</h1>" in html
    assert cast[role].display_role in html  # the header shows who is signed in, and as what


def test_wrong_password_is_refused_and_no_session_starts(cast):
    client = Client()
    response = client.post("/console/login/", {"username": "sita", "password": "not-it"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_inactive_outsider_cannot_sign_in(cast):
    client = Client()
    response = client.post("/console/login/", {"username": "olga", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", list(HOMES))
@pytest.mark.parametrize("other", list(HOMES))
def test_a_role_is_refused_on_other_roles_homes(client_for, role, other):
    if role == other:
        return
    response = client_for(role).get(HOMES[other])
    if (role, other) in ALSO_ALLOWED:
        assert response.status_code == 200
        return
    assert response.status_code == 403
    html = response.content.decode()
    assert "Not allowed for your role" in html
    assert 'data-testid="role-home"' not in html


@pytest.mark.parametrize("client_role", ["app", "vendor"])
def test_api_clients_signing_in_are_refused_with_403(cast, client_role):
    client = Client()
    response = client.post(
        "/console/login/", {"username": cast[client_role].username, "password": PASSWORD}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "console.use" in html
    assert "API client account" in html
    assert "_auth_user_id" not in client.session  # refused before a session exists


CONSOLE_PAGES = [
    "/console/",
    *HOMES.values(),
    "/console/password/",
    "/console/tools/quote/models/?q=iphone",
    "/console/tools/serviceability/?pincode=560034",
    "/console/tools/customers/?q=ravi",
]


@pytest.mark.parametrize("client_role", ["app", "vendor"])
@pytest.mark.parametrize("url", CONSOLE_PAGES)
def test_api_clients_with_a_session_get_403_everywhere(client_for, client_role, url):
    response = client_for(client_role).get(url)
    assert response.status_code == 403
    assert "console.use" in response.content.decode()


@pytest.mark.parametrize("url", CONSOLE_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(db, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/?next=")


def test_root_redirects_to_the_console(db):
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/console/"


def test_sign_out_is_a_post_and_ends_the_session(client_for):
    client = client_for("sales")
    assert client.get("/console/logout/").status_code == 405  # Django 5: no sign-out by GET
    response = client.post("/console/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/console/login/"
    assert client.get("/console/sales/").status_code == 302


def test_navigation_offers_only_pages_the_role_may_open(client_for):
    html = client_for("sales").get("/console/sales/").content.decode()
    assert 'href="/console/sales/"' in html
    for other in (
        "/console/cx/",
        "/console/ops/",
        "/console/supervisor/",
        "/console/admin-home/",
        'href="/admin/"',
    ):
        assert other not in html
    admin_html = client_for("admin").get("/console/admin-home/").content.decode()
    assert 'href="/admin/"' in admin_html
