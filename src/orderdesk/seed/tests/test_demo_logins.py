"""Every demo login printed by `make demo` reaches its role's home (SPEC §10)."""

import pytest
from django.test import Client

HOMES = {
    "demo-sales": "/console/sales/",
    "demo-sales2": "/console/sales/",
    "demo-cx": "/console/cx/",
    "demo-ops": "/console/ops/",
    "demo-supervisor": "/console/supervisor/",
    "demo-admin": "/console/admin-home/",
}


@pytest.mark.parametrize(("username", "home"), list(HOMES.items()))
def test_each_printed_demo_login_reaches_its_home(demo, username, home):
    client = Client()
    response = client.post(
        "/console/login/", {"username": username, "password": "demo"}, follow=True
    )
    assert response.redirect_chain[-1][0] == home
    assert response.status_code == 200


@pytest.mark.parametrize("username", ["demo-app", "demo-vendor"])
def test_api_client_demo_logins_get_tokens(demo, username):
    response = Client().post(
        "/api/v1/auth/token",
        {"username": username, "password": "demo"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["token"].startswith("od_")


def test_demo_admin_enters_the_back_office(demo):
    client = Client()
    client.post("/console/login/", {"username": "demo-admin", "password": "demo"})
    assert client.get("/admin/catalog/devicemodel/").status_code == 200
