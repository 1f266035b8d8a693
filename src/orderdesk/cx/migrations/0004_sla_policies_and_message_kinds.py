"""C2 default SLA policies (version 1 of every type x priority), SLA clocks for tickets opened
before them, and the messages CX sends (N3: English and Hindi):

- ``csat_survey`` (seeded by messaging) gains the variables ``survey_url`` and ``reply_code``
  and its seeded templates say how to answer (link or reply code); templates an admin has
  already edited are left alone.
- ``order_status_update`` (new): the order's status, slot and vendor, sent by CX on an
  order status inquiry (service guidelines §4.6).
"""

import datetime as dt
import importlib

from django.db import migrations

TYPES = ["inquiry", "complaint", "price_dispute", "order_not_found", "pickup_issue", "payment_issue"]
PRIORITIES = ["urgent", "high", "normal", "low"]

# Mirrors cx.rules.default_sla at the time of writing (migrations must not import live rules).
BY_PRIORITY = {"urgent": (15, 240), "high": (30, 480), "normal": (60, 1440), "low": (240, 4320)}
OVERRIDES = {
    ("order_not_found", "urgent"): (15, 120),
    ("order_not_found", "high"): (30, 240),
    ("order_not_found", "normal"): (60, 480),
    ("pickup_issue", "urgent"): (10, 120),
    ("pickup_issue", "high"): (20, 240),
}
DEFAULT_PRIORITY = {
    "inquiry": "normal",
    "complaint": "normal",
    "price_dispute": "high",
    "order_not_found": "high",
    "pickup_issue": "high",
    "payment_issue": "high",
}
ACTIVE = ["open", "in_progress", "waiting_on_customer", "escalated", "reopened"]

CSAT_VARIABLES = ["customer_name", "ticket_number", "survey_url", "reply_code"]
CSAT_EN = (
    "Hi {{ customer_name }}, how satisfied are you with how we handled {{ ticket_number }}? "
    "Rate us from 1 (not at all) to 5 (very) at {{ survey_url }} or reply with the number and "
    "the code {{ reply_code }}, e.g. \"5 {{ reply_code }}\"."
)
CSAT_HI = (
    "नमस्ते {{ customer_name }}, हमने {{ ticket_number }} को जिस तरह संभाला, उससे आप कितने संतुष्ट हैं? "
    "{{ survey_url }} पर 1 (बिल्कुल नहीं) से 5 (बहुत) तक रेटिंग दें, या नंबर और कोड {{ reply_code }} "
    "के साथ जवाब दें, जैसे \"5 {{ reply_code }}\"।"
)

STATUS_KIND = {
    "key": "order_status_update",
    "name": "Order status update (CX)",
    "variables": ["customer_name", "order_number", "order_status", "pickup_slot", "vendor_name"],
    "en": (
        "Update on your order {{ order_number }}",
        "Hi {{ customer_name }}, here is the latest on your order {{ order_number }}: status "
        "{{ order_status }}; pickup {{ pickup_slot }}; pickup partner {{ vendor_name }}. Reply to "
        "this message if you have any question.",
    ),
    "hi": (
        "आपके ऑर्डर {{ order_number }} की जानकारी",
        "नमस्ते {{ customer_name }}, आपके ऑर्डर {{ order_number }} की ताज़ा जानकारी: स्थिति "
        "{{ order_status }}; पिकअप {{ pickup_slot }}; पिकअप पार्टनर {{ vendor_name }}। कोई सवाल हो तो "
        "इस संदेश का जवाब दें।",
    ),
}


def _original_csat():
    module = importlib.import_module("orderdesk.messaging.migrations.0002_seed_kinds_and_templates")
    entry = module.KINDS["csat_survey"]
    return {"en": entry[5], "hi": entry[7]}, entry[3]


def forwards(apps, schema_editor):
    SlaPolicy = apps.get_model("cx", "SlaPolicy")
    Ticket = apps.get_model("cx", "Ticket")
    Order = apps.get_model("orders", "Order")
    MessageKind = apps.get_model("messaging", "MessageKind")
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")

    epoch = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    policies = {}
    for ticket_type in TYPES:
        for priority in PRIORITIES:
            first, resolution = OVERRIDES.get((ticket_type, priority), BY_PRIORITY[priority])
            policies[(ticket_type, priority)], _ = SlaPolicy.objects.get_or_create(
                ticket_type=ticket_type,
                priority=priority,
                version=1,
                defaults={
                    "first_response_minutes": first,
                    "resolution_minutes": resolution,
                    "effective_from": epoch,
                    "change_note": "Shipped defaults (SPEC C2)",
                },
            )

    # Tickets opened before this release: link their order, give them a priority and clocks.
    for ticket in Ticket.objects.all():
        if ticket.order_id is None and ticket.order_number and ticket.type != "order_not_found":
            ticket.order = Order.objects.filter(number=ticket.order_number).first()
        ticket.priority = DEFAULT_PRIORITY[ticket.type]
        policy = policies[(ticket.type, ticket.priority)]
        ticket.sla_policy = policy
        ticket.first_response_minutes = policy.first_response_minutes
        ticket.resolution_minutes = policy.resolution_minutes
        ticket.first_response_due_at = ticket.created_at + dt.timedelta(minutes=policy.first_response_minutes)
        ticket.resolution_due_at = ticket.created_at + dt.timedelta(minutes=policy.resolution_minutes)
        if ticket.status in ACTIVE:
            ticket.sla_next_due_at = ticket.first_response_due_at
        elif ticket.resolved_at:
            ticket.first_responded_at = ticket.resolved_at
        ticket.save()

    original, _ = _original_csat()
    csat = MessageKind.objects.filter(key="csat_survey").first()
    if csat is not None:
        csat.variables = list(csat.variables) + [v for v in CSAT_VARIABLES if v not in csat.variables]
        csat.save(update_fields=["variables"])
        for language, body in (("en", CSAT_EN), ("hi", CSAT_HI)):
            MessageTemplate.objects.filter(
                kind=csat, language=language, channel="", body=original[language]
            ).update(body=body)

    kind, _ = MessageKind.objects.update_or_create(
        key=STATUS_KIND["key"],
        defaults={
            "name": STATUS_KIND["name"],
            "category": "transactional",
            "honours_do_not_contact": False,
            "default_channels": ["sms", "whatsapp", "email"],
            "variables": STATUS_KIND["variables"],
            "description": "Sent by CX on an order status inquiry: status, slot and vendor.",
        },
    )
    for language in ("en", "hi"):
        subject, body = STATUS_KIND[language]
        MessageTemplate.objects.update_or_create(
            kind=kind, language=language, channel="", defaults={"subject": subject, "body": body}
        )


def backwards(apps, schema_editor):
    MessageKind = apps.get_model("messaging", "MessageKind")
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    MessageKind.objects.filter(key=STATUS_KIND["key"]).delete()
    original, variables = _original_csat()
    csat = MessageKind.objects.filter(key="csat_survey").first()
    if csat is not None:
        for language, body in (("en", CSAT_EN), ("hi", CSAT_HI)):
            MessageTemplate.objects.filter(kind=csat, language=language, channel="", body=body).update(
                body=original[language]
            )
        csat.variables = variables
        csat.save(update_fields=["variables"])
    apps.get_model("cx", "SlaPolicy").objects.filter(version=1, changed_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cx", "0003_tickets_sla_steps_csat"),
        ("messaging", "0002_seed_kinds_and_templates"),
        ("orders", "0002_order_source_lead"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
