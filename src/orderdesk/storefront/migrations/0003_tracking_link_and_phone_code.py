"""Issue 19: every message about an order carries the customer's tracking link, and the
storefront's one-time phone code is a message kind of its own (EN/HI, SMS only)."""

from django.db import migrations

TRACK = {
    "en": " Track or change your pickup: {{ tracking_url }}",
    "hi": " अपना ऑर्डर देखें या बदलें: {{ tracking_url }}",
}

PHONE_CODE = {
    "key": "phone_verification",
    "name": "Phone verification code",
    "variables": ["customer_name", "code", "minutes"],
    "en": (
        "Your verification code",
        "{{ code }} is your orderdesk code to confirm your phone. It expires in "
        "{{ minutes }} minutes. Do not share it with anyone, including our staff.",
    ),
    "hi": (
        "आपका वेरिफ़िकेशन कोड",
        "{{ code }} आपका orderdesk कोड है, जिससे आपका फ़ोन नंबर कन्फ़र्म होगा। यह {{ minutes }} "
        "मिनट में समाप्त हो जाएगा। इसे किसी के साथ साझा न करें, हमारे स्टाफ़ के साथ भी नहीं।",
    ),
}


def forwards(apps, schema_editor):
    MessageKind = apps.get_model("messaging", "MessageKind")
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    for kind in MessageKind.objects.all():
        if "order_number" not in kind.variables:
            continue
        if "tracking_url" not in kind.variables:
            kind.variables = [*kind.variables, "tracking_url"]
            kind.save(update_fields=["variables"])
        for template in MessageTemplate.objects.filter(kind=kind):
            if "tracking_url" in template.body:
                continue
            template.body = template.body.rstrip() + TRACK.get(template.language, TRACK["en"])
            template.save(update_fields=["body"])
    kind, _ = MessageKind.objects.update_or_create(
        key=PHONE_CODE["key"],
        defaults={
            "name": PHONE_CODE["name"],
            "category": "transactional",
            "honours_do_not_contact": False,  # the customer asked for it, on the page
            "default_channels": ["sms"],
            "variables": PHONE_CODE["variables"],
            "description": "Storefront: the one-time code that verifies a phone before an order.",
        },
    )
    for language in ("en", "hi"):
        subject, body = PHONE_CODE[language]
        MessageTemplate.objects.update_or_create(
            kind=kind, language=language, channel="", defaults={"subject": subject, "body": body}
        )


def backwards(apps, schema_editor):
    MessageKind = apps.get_model("messaging", "MessageKind")
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    MessageKind.objects.filter(key=PHONE_CODE["key"]).delete()
    for template in MessageTemplate.objects.all():
        for suffix in TRACK.values():
            if template.body.endswith(suffix):
                template.body = template.body[: -len(suffix)]
                template.save(update_fields=["body"])
    for kind in MessageKind.objects.all():
        if "tracking_url" in kind.variables:
            kind.variables = [v for v in kind.variables if v != "tracking_url"]
            kind.save(update_fields=["variables"])


class Migration(migrations.Migration):
    # After every migration that seeds message kinds about orders (messaging's and cx's),
    # so each of them gets the link; a kind added later adds {{ tracking_url }} itself.
    dependencies = [
        ("storefront", "0002_shared_cache_table"),
        ("messaging", "0002_seed_kinds_and_templates"),
        ("cx", "0004_sla_policies_and_message_kinds"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
