"""The two message kinds of WhatsApp conversations (issue 19, docs/whatsapp.md).

- ``whatsapp_reply``: an agent's free-text reply inside the 24-hour window; its template
  is the text itself.
- ``whatsapp_follow_up``: the re-engagement template an agent may send outside the
  window. ``whatsapp_template_name`` must match a template approved at Meta
  (register ``orderdesk_follow_up`` with one body parameter, the customer's name).
"""

from django.db import migrations

KINDS = {
    "whatsapp_reply": {
        "name": "WhatsApp reply (agent)",
        "variables": ["text"],
        # The agent's own words, in whatever language they wrote (one per language all the same,
        # as every kind has English and Hindi).
        "templates": [("en", "{{ text }}", ""), ("hi", "{{ text }}", "")],
    },
    "whatsapp_follow_up": {
        "name": "WhatsApp follow-up (approved template)",
        "variables": ["customer_name"],
        "templates": [
            (
                "en",
                "Hi {{ customer_name }}, we have an update on your request. "
                "Reply to this message to continue the conversation.",
                "orderdesk_follow_up",
            ),
            (
                "hi",
                "नमस्ते {{ customer_name }}, आपके अनुरोध पर एक अपडेट है। "
                "बातचीत जारी रखने के लिए इस संदेश का जवाब दें।",
                "orderdesk_follow_up",
            ),
        ],
    },
}


def seed(apps, schema_editor):
    MessageKind = apps.get_model("messaging", "MessageKind")
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    for key, spec in KINDS.items():
        kind, _ = MessageKind.objects.get_or_create(
            key=key,
            defaults={
                "name": spec["name"],
                "category": "transactional",
                "honours_do_not_contact": False,
                "default_channels": ["whatsapp"],
                "variables": spec["variables"],
            },
        )
        for language, body, template_name in spec["templates"]:
            MessageTemplate.objects.get_or_create(
                kind=kind,
                language=language,
                channel="whatsapp",
                defaults={"body": body, "whatsapp_template_name": template_name},
            )


def unseed(apps, schema_editor):
    apps.get_model("messaging", "MessageKind").objects.filter(key__in=list(KINDS)).delete()


class Migration(migrations.Migration):
    dependencies = [("messaging", "0003_whatsapp_cloud")]

    operations = [migrations.RunPython(seed, unseed)]
