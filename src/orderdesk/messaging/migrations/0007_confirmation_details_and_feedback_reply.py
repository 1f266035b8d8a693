"""Issue 15, items 10 and 12.

The written confirmation carries the details (issue 15, item 10; SOP 002 §4.6, SOP 004).

Until now ``order_confirmation`` said only the number and the next steps. The customer now
gets in writing what the agent confirmed on the call: the device(s), the estimate (final
price at inspection), the pickup address and slot window, the payment mode (account
masked) and the order number, in English and Hindi. The variables are what
``orders.actions.confirmation_context`` gives.

The feedback request (sent when an order completes) is answered like CSAT: a reply with the
rating and the request's code ("4 K7M2QX"), or the link (``reply_code``, ``feedback_url``;
``orders.actions.open_feedback``).
"""

from importlib import import_module

from django.db import migrations

KEY = "order_confirmation"
VARIABLES = [
    "customer_name",
    "order_number",
    "device",
    "estimated_price",
    "pickup_date",
    "pickup_window",
    "pickup_city",
    "pickup_address",
    "payment_mode",
    "payment_mode_hi",
    "tracking_url",  # issue 19: every message about an order carries the link
]
TEMPLATES = (
    (
        "en",
        "Your order {{ order_number }} is confirmed",
        "Hi {{ customer_name }}, your order {{ order_number }} is confirmed. "
        "Device: {{ device }}. Estimated price: Rs {{ estimated_price }} (final price after "
        "inspection at pickup). Pickup: {{ pickup_address }}, on {{ pickup_date }}, "
        "{{ pickup_window }}. Payment: {{ payment_mode }}. Next steps: we assign a pickup "
        "partner, who inspects your device at pickup, and you are paid instantly. "
        "Keep the order number {{ order_number }} for any query. "
        "Track or change your pickup: {{ tracking_url }}",
    ),
    (
        "hi",
        "आपका ऑर्डर {{ order_number }} कन्फ़र्म हो गया है",
        "नमस्ते {{ customer_name }}, आपका ऑर्डर {{ order_number }} कन्फ़र्म हो गया है। "
        "डिवाइस: {{ device }}। अनुमानित कीमत: ₹{{ estimated_price }} (अंतिम कीमत पिकअप पर जाँच के बाद)। "
        "पिकअप: {{ pickup_address }}, {{ pickup_date }} को {{ pickup_window }} के बीच। "
        "भुगतान: {{ payment_mode_hi }}। आगे क्या होगा: हम एक पिकअप पार्टनर असाइन करेंगे, पिकअप के "
        "समय वह आपके डिवाइस की जाँच करेगा, और आपको तुरंत भुगतान मिलेगा। "
        "किसी भी सवाल के लिए ऑर्डर नंबर {{ order_number }} संभाल कर रखें। "
        "अपना ऑर्डर देखें या बदलें: {{ tracking_url }}",
    ),
)

# The texts of migration 0002 with storefront 0003's link, put back when this one is reversed.
OLD_VARIABLES = [*VARIABLES[:7], "tracking_url"]
TRACK = {
    "en": " Track or change your pickup: {{ tracking_url }}",
    "hi": " अपना ऑर्डर देखें या बदलें: {{ tracking_url }}",
}


FEEDBACK_KEY = "feedback_request"
FEEDBACK_VARIABLES = ["customer_name", "order_number", "tracking_url", "reply_code", "feedback_url"]
FEEDBACK_TEMPLATES = (
    (
        "en",
        "How was your pickup for order {{ order_number }}?",
        "Hi {{ customer_name }}, thank you for selling with us (order {{ order_number }}). "
        "How did we do? Reply with a rating from 1 (poor) to 5 (great) and the code "
        "{{ reply_code }}, e.g. \"5 {{ reply_code }}\", or rate here: {{ feedback_url }} "
        "Track your order: {{ tracking_url }}",
    ),
    (
        "hi",
        "ऑर्डर {{ order_number }} का अनुभव कैसा रहा?",
        "नमस्ते {{ customer_name }}, हमारे साथ डिवाइस बेचने के लिए धन्यवाद (ऑर्डर {{ order_number }})। "
        "हमारी सेवा कैसी रही? 1 (खराब) से 5 (बहुत अच्छी) तक रेटिंग और कोड {{ reply_code }} भेजें, "
        "जैसे \"5 {{ reply_code }}\", या यहाँ रेटिंग दें: {{ feedback_url }} "
        "अपना ऑर्डर देखें: {{ tracking_url }}",
    ),
)
OLD_FEEDBACK = {
    "en": "Hi {{ customer_name }}, thank you for selling with us (order {{ order_number }}). "
    "How did we do? Reply with a rating from 1 to 5.",
    "hi": "नमस्ते {{ customer_name }}, हमारे साथ डिवाइस बेचने के लिए धन्यवाद (ऑर्डर {{ order_number }})। "
    "हमारी सेवा कैसी रही? 1 से 5 तक रेटिंग भेजें।",
}


def seed_feedback(apps):
    MessageKind = apps.get_model("messaging", "MessageKind")
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    kind = MessageKind.objects.filter(key=FEEDBACK_KEY).first()
    if kind is None:
        return
    kind.variables = FEEDBACK_VARIABLES
    kind.save(update_fields=["variables"])
    for language, subject, body in FEEDBACK_TEMPLATES:
        MessageTemplate.objects.update_or_create(
            kind=kind, language=language, channel="", defaults={"subject": subject, "body": body}
        )


def unseed_feedback(apps):
    MessageKind = apps.get_model("messaging", "MessageKind")
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    kind = MessageKind.objects.filter(key=FEEDBACK_KEY).first()
    if kind is None:
        return
    kind.variables = FEEDBACK_VARIABLES[:3]
    kind.save(update_fields=["variables"])
    for language, body in OLD_FEEDBACK.items():
        MessageTemplate.objects.filter(kind=kind, language=language, channel="").update(
            body=body + TRACK[language]
        )


def seed(apps, schema_editor):
    seed_feedback(apps)
    MessageKind = apps.get_model("messaging", "MessageKind")
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    kind = MessageKind.objects.filter(key=KEY).first()
    if kind is None:
        return
    kind.variables = VARIABLES
    kind.save(update_fields=["variables"])
    for language, subject, body in TEMPLATES:
        MessageTemplate.objects.update_or_create(
            kind=kind, language=language, channel="", defaults={"subject": subject, "body": body}
        )


def unseed(apps, schema_editor):
    unseed_feedback(apps)
    old = import_module("orderdesk.messaging.migrations.0002_seed_kinds_and_templates").KINDS[KEY]
    MessageKind = apps.get_model("messaging", "MessageKind")
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    kind = MessageKind.objects.filter(key=KEY).first()
    if kind is None:
        return
    kind.variables = OLD_VARIABLES
    kind.save(update_fields=["variables"])
    for language, subject, body in (("en", old[4], old[5]), ("hi", old[6], old[7])):
        MessageTemplate.objects.filter(kind=kind, language=language, channel="").update(
            subject=subject, body=body.rstrip() + TRACK[language]
        )


class Migration(migrations.Migration):
    dependencies = [("messaging", "0006_lead_quote_kind")]

    operations = [migrations.RunPython(seed, unseed)]
