"""The written confirmation carries the details (issue 15, item 10; SOP 002 §4.6).

The order confirmation now confirms back, in English and Hindi: the device, the
estimate, the pickup address, the slot (date and window, or that it will be
confirmed), the payment mode and the order number. ``orders.actions.
confirmation_context`` gives every variable; the payment details themselves (UPI ID,
account number) are never written out, only the mode.
"""

from django.db import migrations

VARIABLES = [
    "customer_name",
    "order_number",
    "device",
    "estimated_price",
    "pickup_date",
    "pickup_window",
    "pickup_city",
    "pickup_address",
    "pickup_slot",
    "pickup_slot_hi",
    "payment_mode",
    "payment_mode_hi",
]

NEW = {
    "en": (
        "Your order {{ order_number }} is confirmed",
        "Hi {{ customer_name }}, your order {{ order_number }} is confirmed. Device: {{ device }}. "
        "Estimate: {{ estimated_price }} (final after inspection). Pickup: {{ pickup_address }}, "
        "{{ pickup_slot }}. Payment: {{ payment_mode }}, instantly at pickup. Next steps: we "
        "assign a pickup partner, who inspects your device at pickup. Keep this number for any "
        "query.",
    ),
    "hi": (
        "आपका ऑर्डर {{ order_number }} कन्फ़र्म हो गया है",
        "नमस्ते {{ customer_name }}, आपका ऑर्डर {{ order_number }} कन्फ़र्म हो गया है। डिवाइस: "
        "{{ device }}। अनुमानित कीमत: {{ estimated_price }} (जाँच के बाद अंतिम)। पिकअप: "
        "{{ pickup_address }}, {{ pickup_slot_hi }}। भुगतान: {{ payment_mode_hi }}, पिकअप पर तुरंत। "
        "आगे क्या होगा: हम एक पिकअप पार्टनर असाइन करेंगे, जो पिकअप के समय आपके डिवाइस की जाँच करेगा। "
        "किसी भी सवाल के लिए यह नंबर संभाल कर रखें।",
    ),
}

OLD_VARIABLES = VARIABLES[:7]


def seed(apps, schema_editor):
    MessageKind = apps.get_model("messaging", "MessageKind")
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    kind = MessageKind.objects.filter(key="order_confirmation").first()
    if kind is None:
        return
    kind.variables = VARIABLES
    kind.save(update_fields=["variables"])
    for language, (subject, body) in NEW.items():
        MessageTemplate.objects.update_or_create(
            kind=kind, language=language, channel="", defaults={"subject": subject, "body": body}
        )


def unseed(apps, schema_editor):
    # The old wording is migration 0002's; only the variable list is narrowed back.
    apps.get_model("messaging", "MessageKind").objects.filter(key="order_confirmation").update(
        variables=OLD_VARIABLES
    )


class Migration(migrations.Migration):
    dependencies = [("messaging", "0005_pickup_failed_kind")]

    operations = [migrations.RunPython(seed, unseed)]
