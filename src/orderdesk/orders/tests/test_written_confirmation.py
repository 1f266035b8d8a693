"""Issue 15, item 10 (SOP 002 §4.6, SOP 004): the written confirmation carries the details
confirmed on the call — device(s), estimate, pickup address and slot window, payment mode
and the order number — in English and Hindi."""

from orderdesk.customers.models import Customer
from orderdesk.messaging.models import Message
from orderdesk.orders.actions import create_order
from orderdesk.orders.selectors import describe_devices


def confirmation(order, language=None):
    messages = Message.objects.filter(order_number=order.number, kind_id="order_confirmation")
    if language:
        messages = messages.filter(language=language)
    return messages.filter(channel="sms").get()


def test_m6_confirmation_carries_device_estimate_address_slot_payment_and_number(
    cast, catalog, order_request
):
    order = create_order(order_request(), actor=cast["sales"], channel="agent")
    body = confirmation(order).body
    assert "Apple iPhone 15 128 GB" in body
    assert "Rs 45,000" in body
    assert "14, 3rd Cross" in body and "Forum Mall" in body and "560034" in body
    assert order.slot.window in body and order.slot.date.strftime("%d %b %Y") in body
    assert "UPI to as" in body and "asha.rao" not in body  # the account stays masked
    assert order.display_number in body


def test_m6_confirmation_in_hindi_carries_the_same_details(cast, catalog, order_request):
    Customer.objects.create(name="Ravi", phone="+919811112222", language="hi")
    order = create_order(
        order_request(customer_phone="9811112222", payment_method="bank", upi_id="",
                      account_number="123456789012", ifsc="HDFC0001234"),
        actor=cast["sales"],
        channel="agent",
    )  # fmt: skip
    message = confirmation(order)
    assert message.language == "hi"
    assert "डिवाइस: Apple iPhone 15 128 GB" in message.body
    assert "₹45,000" in message.body
    assert "बैंक ट्रांसफ़र" in message.body and "••••••••9012" in message.body
    assert "123456789012" not in message.body
    assert order.display_number in message.body and order.slot.window in message.body


def test_describe_devices_names_brand_model_variant_and_accessories(cast, catalog, order_request):
    order = create_order(
        order_request(accessories="charger, box"), actor=cast["sales"], channel="agent"
    )
    assert describe_devices(order) == "Apple iPhone 15 128 GB (with charger, box)"
