"""Issue 21 finding 11: the production profile refuses to start with the development key or
with DEBUG on for a network address; problem bodies keep RFC 9457's member types; refusals do
not name other staff."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from orderdesk.core.errors import Conflict

KEY = "k" * 60


def _start(**overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update(ORDERDESK_PROFILE="production", DJANGO_SETTINGS_MODULE="orderdesk.config.settings")
    env.update(overrides)
    code = "from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


def test_s6_production_refuses_the_development_secret_key():
    from django.conf import settings

    started = _start(SECRET_KEY=settings.DEVELOPMENT_SECRET_KEY, ALLOWED_HOSTS="od.example.in")
    assert started.returncode != 0
    assert "SECRET_KEY is the development key" in started.stderr


def test_s6_production_refuses_debug_for_a_network_address():
    started = _start(SECRET_KEY=KEY, DEBUG="1", ALLOWED_HOSTS="od.example.in")
    assert started.returncode != 0
    assert "DEBUG is on in the production profile" in started.stderr


def test_s6_production_starts_with_a_real_key_and_debug_off():
    started = _start(SECRET_KEY=KEY, ALLOWED_HOSTS="od.example.in")
    assert (started.returncode, started.stdout.strip()) == (0, "False"), started.stderr


def test_s6_problem_extra_may_not_replace_an_rfc_9457_member():
    with pytest.raises(AssertionError):
        Conflict("x", code="conflict", extra={"status": "pickup_scheduled"}).problem()
    body = Conflict("x", code="conflict", extra={"order_status": "pickup_scheduled"}).problem()
    assert (body["status"], body["order_status"]) == (409, "pickup_scheduled")


def test_s1_a_refused_lead_does_not_name_its_owner(cast, api):
    from orderdesk.customers.models import Customer
    from orderdesk.leads.choices import LeadSource
    from orderdesk.leads.models import Lead

    sita = cast["sales"]
    sita.first_name, sita.last_name = "Priya", "Sharma"
    sita.save()
    customer = Customer.objects.create(name="Asha Rao", phone="+919876543210")
    lead = Lead.objects.create(customer=customer, source=LeadSource.CAMPAIGN, owner=sita)

    response = api(cast["sales2"]).get(f"/api/v1/leads/{lead.pk}")

    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "not_lead_owner"
    assert "owned by another agent" in body["detail"]
    assert "Priya" not in response.content.decode() and "sita" not in response.content.decode()
