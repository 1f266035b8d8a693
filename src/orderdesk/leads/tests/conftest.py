"""Shared fixtures for the leads tests: a customer, a lead, IST clock helpers."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from types import SimpleNamespace
from unittest import mock

import pytest

from orderdesk.core.timeutil import IST
from orderdesk.testing.factories import make_customer


def ist(days: int = 1, hour: int = 11, minute: int = 0) -> dt.datetime:
    """An aware time ``days`` days from today (IST, the real clock even inside ``frozen``)."""
    today = dt.datetime.now(tz=IST).date()
    return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour, minute), tzinfo=IST)


@contextmanager
def frozen(at: dt.datetime):
    """Hold ``django.utils.timezone.now`` at ``at`` (for code paths that do not take ``now``)."""
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield


@pytest.fixture(autouse=True)
def _default_settings(db):
    from orderdesk.leads.seeding import ensure_default_settings

    ensure_default_settings()


@pytest.fixture
def customer(db):

    return make_customer(name="Asha Rao", phone="+919876543210")


@pytest.fixture
def lead(cast, customer):
    from orderdesk.leads.actions import create_lead

    lead, _ = create_lead(customer=customer, source="app_quote", owner=cast["sales"])
    return lead


def fake_order(
    customer, number="OD7K3P9QX", channel="app", created_by=None, source_lead=None, variant=None
):
    """An object with the attributes ``record_order_created`` reads from an Order."""
    order = SimpleNamespace(
        customer=customer,
        customer_id=customer.pk,
        number=number,
        channel=channel,
        created_by=created_by,
        created_at=dt.datetime.now(tz=IST),
        variant=variant,
    )
    if source_lead is not None:
        order.source_lead = source_lead
    return order
