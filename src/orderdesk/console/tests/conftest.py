import pytest
from django.test import Client

HOMES = {
    "sales": "/console/sales/",
    "cx": "/console/cx/",
    "ops": "/console/ops/",
    "supervisor": "/console/supervisor/",
    "admin": "/console/admin-home/",
}


@pytest.fixture
def client_for(cast):
    """client_for("sales") -> a test client signed in as that member of the cast."""

    def make(name):
        client = Client()
        client.force_login(cast[name])
        return client

    return make
