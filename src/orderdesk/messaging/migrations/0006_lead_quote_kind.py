"""Waiting for Quote sends the quote the script promises (issue 15, item 6).

The SOP's Waiting for Quote script ends "I'll send you the quote now": ``lead_quote`` is that
message, with the device, the estimate (the customer's own quote, else the device's top price)
and a link to the device's page on the website, in the customer's language.
"""

from django.db import migrations

SMS_WA_EMAIL = ["sms", "whatsapp", "email"]

KEY = "lead_quote"
VARIABLES = ["customer_name", "device", "estimate", "estimate_hi", "quote_url"]
TEMPLATES = (
    (
        "en",
        "Your quote for {{ device }}",
        "Hi {{ customer_name }}, as promised on the call, your quote for {{ device }}: "
        "{{ estimate }}. The final price is confirmed at inspection. See the price for your "
        "device's condition and book a free pickup when you are ready: {{ quote_url }}",
    ),
    (
        "hi",
        "{{ device }} के लिए आपका कोटेशन",
        "नमस्ते {{ customer_name }}, कॉल पर बताए अनुसार {{ device }} के लिए आपका कोटेशन: "
        "{{ estimate_hi }}। अंतिम कीमत जाँच के समय तय होती है। अपने डिवाइस की हालत के अनुसार कीमत "
        "देखें और जब चाहें मुफ़्त पिकअप बुक करें: {{ quote_url }}",
    ),
)


def seed(apps, schema_editor):
    MessageKind = apps.get_model("messaging", "MessageKind")
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    kind, _ = MessageKind.objects.update_or_create(
        key=KEY,
        defaults={
            "name": "Quote (Waiting for Quote)",
            "category": "transactional",
            "honours_do_not_contact": True,
            "default_channels": SMS_WA_EMAIL,
            "variables": VARIABLES,
        },
    )
    for language, subject, body in TEMPLATES:
        MessageTemplate.objects.update_or_create(
            kind=kind, language=language, channel="", defaults={"subject": subject, "body": body}
        )


def unseed(apps, schema_editor):
    apps.get_model("messaging", "MessageKind").objects.filter(key=KEY).delete()


class Migration(migrations.Migration):
    dependencies = [("messaging", "0005_pickup_failed_kind")]

    operations = [migrations.RunPython(seed, unseed)]
