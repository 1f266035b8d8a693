"""S2: phone numbers, UPI IDs and account numbers are masked in text, logs and the audit
trail; the full value is shown only through an explicit, audited reveal."""

import logging

import pytest
from django.test import Client

from orderdesk.core import audit
from orderdesk.core.logging import MaskingFilter
from orderdesk.core.masking import mask_data, mask_text
from orderdesk.core.models import AuditEvent
from orderdesk.testing.factories import make_customer


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("calling +919876543210 now", "calling +91•••••43210 now"),
        ("calling +91 98765 43210 now", "calling +91•••••43210 now"),
        ("calling 98765-43210", "calling +91•••••43210"),
        ("calling 09876543210", "calling +91•••••43210"),
        ("calling 919876543210", "calling +91•••••43210"),
        ("pay asha.rao@okaxis today", "pay as••••••@okaxis today"),
        ("account 123456789012 IFSC HDFC0001234", "account ••••••••9012 IFSC HDFC0001234"),
        ("uk +447911123456", "uk +44•••••23456"),
    ],
)
def test_mask_text_finds_each_pattern(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "mail asha.rao@gmail.com",  # an e-mail address is not a UPI ID
        "order OD7K3P9QX at 2026-11-20 11:00:00",
        "₹45,000 for 128 GB",
        "ticket #12345",
    ],
)
def test_mask_text_leaves_other_text_alone(text):
    assert mask_text(text) == text


def test_mask_data_masks_by_key_and_by_pattern_and_keeps_other_values():
    data = {
        "phone": "+919876543210",
        "upi_id": "asha.rao@okaxis",
        "account_number": "123456789012",
        "notes": ["call 9876543210 after six"],
        "to": "vendor_assigned",
        "final_price": 38000,
        "nested": {"customer_phone": "+919876500001"},
    }
    assert mask_data(data) == {
        "phone": "+91•••••43210",
        "upi_id": "as••••••@okaxis",
        "account_number": "••••••••9012",
        "notes": ["call +91•••••43210 after six"],
        "to": "vendor_assigned",
        "final_price": 38000,
        "nested": {"customer_phone": "+91•••••00001"},
    }


def test_every_log_handler_masks_personal_data(settings):
    assert "mask_personal_data" in settings.LOGGING["filters"]
    for handler in settings.LOGGING["handlers"].values():
        assert "mask_personal_data" in handler.get("filters", []), handler


def test_the_log_filter_masks_the_rendered_message_and_traceback():
    record = logging.LogRecord(
        "orderdesk.test",
        logging.INFO,
        __file__,
        1,
        "calling %s for %s",
        ("+919876543210", "x"),
        None,
    )
    assert MaskingFilter().filter(record) is True
    assert record.getMessage() == "calling +91•••••43210 for x"
    try:
        raise ValueError("bad UPI asha.rao@okaxis")
    except ValueError:
        import sys

        failed = logging.LogRecord(
            "orderdesk.test", logging.ERROR, __file__, 1, "failed", None, sys.exc_info()
        )
    MaskingFilter().filter(failed)
    assert "asha.rao@okaxis" not in failed.exc_text and "as••••••@okaxis" in failed.exc_text


def test_the_audit_trail_never_stores_a_full_number(db):

    customer = make_customer(name="Asha Rao", phone="+919876543210")
    event = audit.record(
        "customer.touch",
        customer,
        before={"phone": customer.phone},
        after={"notes": "UPI asha.rao@okaxis, account 123456789012"},
    )
    event.refresh_from_db()
    assert event.before == {"phone": "+91•••••43210"}
    assert event.after == {"notes": "UPI as••••••@okaxis, account ••••••••9012"}
    assert "9876543210" not in event.object_repr


# --- the audited reveal ----------------------------------------------------------------------


@pytest.fixture
def order(cast, catalog):
    from orderdesk.leads.seeding import ensure_default_settings
    from orderdesk.orders.actions import create_order
    from orderdesk.testing.factories import agent_order_request

    ensure_default_settings()
    return create_order(
        agent_order_request(catalog),
        actor=cast["sales"],
        channel="agent",
    )


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_ops_see_the_number_masked_until_they_ask_and_the_reveal_is_audited(cast, order):
    ops = signed_in(cast["ops"])
    page = ops.get(f"/console/ops/orders/{order.number}/").content.decode()
    assert "+91•••••43210" in page and "98765 43210" not in page
    assert "asha.rao@okaxis" not in page and "Show full number" in page

    shown = ops.post(f"/console/customers/{order.customer_id}/phone/", {"purpose": "pickup"})
    assert shown.status_code == 200 and "+91 98765 43210" in shown.content.decode()
    event = AuditEvent.objects.get(action="customer.reveal_phone")
    assert (event.actor, event.object_id, event.after) == (
        cast["ops"],
        str(order.customer_id),
        {"field": "phone", "purpose": "pickup", "work": f"order {order.number}"},
    )

    paid = ops.post(f"/console/ops/orders/{order.number}/payment/", HTTP_HX_REQUEST="true")
    assert "asha.rao@okaxis" in paid.content.decode()
    assert AuditEvent.objects.filter(action="order.reveal_payment", actor=cast["ops"]).count() == 1


@pytest.mark.parametrize("role", ["admin", "app", "vendor"])
def test_roles_without_the_task_cannot_reveal_and_nothing_is_written(cast, order, role):
    before = AuditEvent.objects.count()
    client = signed_in(cast[role])
    phone = client.post(f"/console/customers/{order.customer_id}/phone/")
    payment = client.post(f"/console/ops/orders/{order.number}/payment/")
    assert (phone.status_code, payment.status_code) == (403, 403)
    assert "98765 43210" not in phone.content.decode()
    assert "asha.rao@okaxis" not in payment.content.decode()
    assert AuditEvent.objects.count() == before


def test_the_reveal_is_a_post_a_link_cannot_trigger_it(cast, order):
    before = AuditEvent.objects.count()
    response = signed_in(cast["sales"]).get(f"/console/customers/{order.customer_id}/phone/")
    assert response.status_code == 405
    assert AuditEvent.objects.count() == before
