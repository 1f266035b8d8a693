"""Telephony on with the simulator, recordings in a temporary storage, a fixed clock."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import time_machine

from orderdesk.core.timeutil import IST

SECRET = "test-webhook-secret"
TWILIO_TOKEN = "twilio-auth-token-for-tests"
#: A Tuesday inside calling hours; the clock is frozen here in every telephony test.
NOW = dt.datetime(2026, 3, 10, 11, 0, tzinfo=IST)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def telephony_on(settings, tmp_path):
    orderdesk = copy.deepcopy(settings.ORDERDESK)
    orderdesk["TELEPHONY"].update(
        ENABLED=True,
        PROVIDER="simulator",
        WEBHOOK_SECRET=SECRET,
        TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
        TWILIO_ACCOUNT_SID="AC123",
        PUBLIC_URL="http://testserver",
        SIMULATOR_URL="http://127.0.0.1:9",
        RECORDING_RETENTION_DAYS=90,
    )
    settings.ORDERDESK = orderdesk
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return orderdesk["TELEPHONY"]


@pytest.fixture
def customer(db):
    from orderdesk.customers.models import Customer

    return Customer.objects.create(name="Asha Rao", phone="+919876543211")


def hook_url(provider: str = "simulator", secret: str = SECRET) -> str:
    return f"/telephony/webhooks/{provider}/{secret}/"


def drain(now=None) -> list[str]:
    """What the worker does: apply every stored, not yet applied event."""
    from orderdesk.telephony import actions
    from orderdesk.telephony.choices import EventOutcome
    from orderdesk.telephony.models import CallEvent

    pending = CallEvent.objects.filter(outcome=EventOutcome.PENDING).order_by("received_at", "id")
    return [actions.process_event(pk, now=now) for pk in pending.values_list("pk", flat=True)]
