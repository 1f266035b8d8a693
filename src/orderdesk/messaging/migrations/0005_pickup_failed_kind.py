"""A failed pickup is told as what it is (issue 15, item 5).

Until now a failed pickup sent ``pickup_delayed`` ("running late"), which promised a
pickup that was not coming. ``pickup_failed`` says the pickup did not happen, why
(``reason`` in English, ``reason_hi`` in Hindi, from the failure reason the vendor or
ops gave) and how to rebook (reply or call; ops then reschedules the order).
"""

from django.db import migrations

SMS_WA_EMAIL = ["sms", "whatsapp", "email"]

KEY = "pickup_failed"
VARIABLES = ["customer_name", "order_number", "reason", "reason_hi"]
TEMPLATES = (
    (
        "en",
        "The pickup for order {{ order_number }} did not happen",
        "Hi {{ customer_name }}, the pickup for order {{ order_number }} could not be done: "
        "{{ reason }}. Your order stays open and your price quote still holds. To rebook, "
        "reply to this message or call us with your order number and choose a new slot.",
    ),
    (
        "hi",
        "ऑर्डर {{ order_number }} का पिकअप नहीं हो सका",
        "नमस्ते {{ customer_name }}, ऑर्डर {{ order_number }} का पिकअप नहीं हो सका: "
        "{{ reason_hi }}। आपका ऑर्डर खुला है और कीमत का कोटेशन अभी भी मान्य है। दोबारा बुक करने के लिए "
        "इस संदेश का जवाब दें या अपने ऑर्डर नंबर के साथ हमें कॉल करें और नया समय चुनें।",
    ),
)


def seed(apps, schema_editor):
    MessageKind = apps.get_model("messaging", "MessageKind")
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    kind, _ = MessageKind.objects.update_or_create(
        key=KEY,
        defaults={
            "name": "Pickup failed",
            "category": "transactional",
            "honours_do_not_contact": False,
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
    dependencies = [("messaging", "0004_whatsapp_kinds")]

    operations = [migrations.RunPython(seed, unseed)]
