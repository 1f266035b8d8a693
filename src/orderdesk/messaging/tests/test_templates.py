"""Templates per kind and language (N3): Hindi renders, unknown variables are refused on save."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from orderdesk.core.errors import ValidationFailed
from orderdesk.messaging import rules
from orderdesk.messaging.models import MessageKind, MessageTemplate
from orderdesk.testing.factories import PASSWORD

SEEDED = [
    "order_confirmation", "vendor_assigned", "pickup_scheduled", "pickup_rescheduled",
    "pickup_delayed", "pickup_failed", "inspection_price", "payment_done", "order_cancelled", "feedback_request",
    "ticket_resolved", "csat_survey", "followup_reminder", "campaign_offer",
    "order_status_update",  # added by cx migration 0004 (order status inquiry)
    "whatsapp_reply", "whatsapp_follow_up",  # messaging migration 0004 (WhatsApp conversations)
    "phone_verification",  # added by storefront migration 0003 (the web's one-time code)
    "lead_quote",  # messaging migration 0006 (issue 15 item 6: Waiting for Quote sends the quote)
]  # fmt: skip


def test_every_seeded_kind_has_valid_english_and_hindi_templates(db):
    assert sorted(MessageKind.objects.values_list("key", flat=True)) == sorted(SEEDED)
    for kind in MessageKind.objects.all():
        languages = set(kind.templates.values_list("language", flat=True))
        assert {"en", "hi"} <= languages, kind.key
        for template in kind.templates.all():
            assert template.problems() == [], (kind.key, template.language)
    promotional = set(
        MessageKind.objects.filter(category="promotional").values_list("key", flat=True)
    )
    assert promotional == {"followup_reminder", "campaign_offer"}


def test_hindi_template_renders_devanagari_with_the_values(db):
    template = MessageTemplate.objects.get(kind__key="payment_done", language="hi")
    text = rules.render(
        template.body,
        {
            "customer_name": "प्रिया",
            "order_number": "OD-7K4M-9QXR",
            "amount": "18,500",
            "payment_reference": "UTR123",
            "tracking_url": "https://orderdesk.example.in/t/abc/",
        },
    )
    assert text == (
        "नमस्ते प्रिया, ऑर्डर OD-7K4M-9QXR के लिए ₹18,500 का भुगतान कर दिया गया है (रेफ़रेंस UTR123)। धन्यवाद!"
        " अपना ऑर्डर देखें या बदलें: https://orderdesk.example.in/t/abc/"
    )


def test_a_template_with_an_unknown_variable_is_refused_and_nothing_changes(db):
    template = MessageTemplate.objects.get(kind__key="order_cancelled", language="en")
    original = template.body
    template.body = "Hi {{ customer_name }}, order {{ order_number }} refund {{ refund_amount }}."
    with pytest.raises(ValidationFailed) as err:
        template.save()
    assert (err.value.code, err.value.field) == ("template_unknown_variable", "body")
    assert "refund_amount" in err.value.message
    assert MessageTemplate.objects.get(pk=template.pk).body == original


@pytest.mark.parametrize(
    "body",
    [
        "{{ order.number }}",
        "{{ customer_name|upper }}",
        "{% if x %}hi{% endif %}",
        "Hi {{ customer_name }",
    ],
)
def test_anything_but_plain_placeholders_is_refused(db, body):
    problems = rules.template_problems(body, ["customer_name", "order_number"])
    assert problems and problems[0][0] == "template_bad_placeholder"


def test_admin_refuses_an_unknown_variable_beside_the_field(cast):
    template = MessageTemplate.objects.get(kind__key="order_cancelled", language="hi")
    client = Client()
    assert client.login(username=cast["admin"].username, password=PASSWORD)
    response = client.post(
        f"/admin/messaging/messagetemplate/{template.pk}/change/",
        {
            "kind": template.kind_id,
            "language": "hi",
            "channel": "",
            "subject": template.subject,
            "body": "नमस्ते {{ customer_name }}, {{ coupon }}",
        },
    )
    assert response.status_code == 200
    assert "Unknown variable &#x27;coupon&#x27;" in response.content.decode()
    assert MessageTemplate.objects.get(pk=template.pk).body == template.body


def test_admin_saves_a_valid_template_and_audits_it(cast):
    from orderdesk.core.models import AuditEvent

    template = MessageTemplate.objects.get(kind__key="order_cancelled", language="en")
    client = Client()
    client.login(username=cast["admin"].username, password=PASSWORD)
    response = client.post(
        f"/admin/messaging/messagetemplate/{template.pk}/change/",
        {"kind": template.kind_id, "language": "en", "channel": "", "subject": "Cancelled",
         "body": "Order {{ order_number }} is cancelled, {{ customer_name }}."},
    )  # fmt: skip
    assert response.status_code == 302
    assert MessageTemplate.objects.get(pk=template.pk).subject == "Cancelled"
    assert AuditEvent.objects.filter(
        action="messagetemplate.update", object_id=str(template.pk)
    ).exists()


def test_a_kind_cannot_drop_a_variable_its_templates_use(db):
    kind = MessageKind.objects.get(key="vendor_assigned")
    kind.variables = ["customer_name", "order_number"]
    with pytest.raises(ValidationError) as err:
        kind.full_clean()
    assert "vendor_name" in str(err.value.message_dict["variables"])
