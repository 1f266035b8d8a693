"""The fixed cast (one user per role, plus an outsider refused everything) and shared fixtures."""

import pytest
from django.test import Client

from orderdesk.accounts.choices import Role
from orderdesk.testing.factories import PASSWORD, make_catalog, make_user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; a fast hasher keeps the suite quick (production uses PBKDF2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast(db):
    """sales (Sita), sales2 (Sameer), cx (Chitra), ops (Om), supervisor (Suman), admin (Anil),
    app client, vendor client, and an inactive outsider."""
    from orderdesk.catalog.models import City, Vendor

    city, _ = City.objects.get_or_create(name="Cast City", defaults={"state": "Karnataka"})
    vendor = Vendor.objects.create(name="Cast Vendor", phone="+919811111111", city=city)
    return {
        "sales": make_user(Role.SALES, "sita"),
        "sales2": make_user(Role.SALES, "sameer"),
        "cx": make_user(Role.CX, "chitra"),
        "ops": make_user(Role.OPS, "om"),
        "supervisor": make_user(Role.SUPERVISOR, "suman"),
        "admin": make_user(Role.ADMIN, "anil"),
        "app": make_user(Role.APP, "customer-app"),
        "vendor": make_user(Role.VENDOR, "vendor-client", vendor=vendor),
        "outsider": make_user(Role.SALES, "olga", is_active=False),
    }


@pytest.fixture
def catalog(db):
    return make_catalog()


@pytest.fixture
def api_token(db):
    """api_token(user) -> a bearer token issued through the real endpoint."""

    def issue(user):
        response = Client().post(
            "/api/v1/auth/token",
            data={"username": user.username, "password": PASSWORD},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        return response.json()["token"]

    return issue


@pytest.fixture
def api(api_token):
    """api(user) -> a test client that sends that user's bearer token."""

    def client_for(user=None):
        if user is None:
            return Client()
        return Client(headers={"Authorization": f"Bearer {api_token(user)}"})

    return client_for
