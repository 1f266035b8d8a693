"""Seed the message kinds of SPEC O5, M6 and C3 with English and Hindi templates (N3)."""

from django.db import migrations

SMS_WA_EMAIL = ["sms", "whatsapp", "email"]

# key: (name, category, honours do-not-contact, variables, en subject, en body, hi subject, hi body)
KINDS = {
    "order_confirmation": (
        "Order confirmation",
        "transactional",
        False,
        # What orders.actions.confirmation_context gives; the templates use the first two.
        [
            "customer_name",
            "order_number",
            "device",
            "estimated_price",
            "pickup_date",
            "pickup_window",
            "pickup_city",
        ],
        "Your order {{ order_number }} is confirmed",
        "Hi {{ customer_name }}, your order {{ order_number }} is confirmed. Next steps: "
        "we assign a pickup partner, who inspects your device at pickup, and you are paid "
        "instantly by UPI or bank transfer. Keep this number for any query.",
        "आपका ऑर्डर {{ order_number }} कन्फ़र्म हो गया है",
        "नमस्ते {{ customer_name }}, आपका ऑर्डर {{ order_number }} कन्फ़र्म हो गया है। आगे क्या होगा: "
        "हम एक पिकअप पार्टनर असाइन करेंगे, पिकअप के समय वह आपके डिवाइस की जाँच करेगा, और आपको UPI "
        "या बैंक ट्रांसफ़र से तुरंत भुगतान मिलेगा। किसी भी सवाल के लिए यह नंबर संभाल कर रखें।",
    ),
    "vendor_assigned": (
        "Pickup partner assigned",
        "transactional",
        False,
        ["customer_name", "order_number", "vendor_name"],
        "A pickup partner is assigned to order {{ order_number }}",
        "Hi {{ customer_name }}, {{ vendor_name }} will pick up your device for order {{ order_number }}.",
        "ऑर्डर {{ order_number }} के लिए पिकअप पार्टनर असाइन हो गया है",
        "नमस्ते {{ customer_name }}, ऑर्डर {{ order_number }} के लिए {{ vendor_name }} आपका डिवाइस लेने आएँगे।",
    ),
    "pickup_scheduled": (
        "Pickup scheduled",
        "transactional",
        False,
        ["customer_name", "order_number", "pickup_date", "pickup_window"],
        "Pickup for order {{ order_number }} on {{ pickup_date }}",
        "Hi {{ customer_name }}, the pickup for order {{ order_number }} is on {{ pickup_date }}, "
        "{{ pickup_window }}. Please keep the device and its accessories ready.",
        "ऑर्डर {{ order_number }} का पिकअप {{ pickup_date }} को",
        "नमस्ते {{ customer_name }}, ऑर्डर {{ order_number }} का पिकअप {{ pickup_date }} को "
        "{{ pickup_window }} के बीच होगा। कृपया डिवाइस और उसकी एक्सेसरीज़ तैयार रखें।",
    ),
    "pickup_rescheduled": (
        "Pickup rescheduled",
        "transactional",
        False,
        ["customer_name", "order_number", "pickup_date", "pickup_window"],
        "New pickup time for order {{ order_number }}",
        "Hi {{ customer_name }}, the pickup for order {{ order_number }} is moved to {{ pickup_date }}, "
        "{{ pickup_window }}.",
        "ऑर्डर {{ order_number }} के पिकअप का नया समय",
        "नमस्ते {{ customer_name }}, ऑर्डर {{ order_number }} का पिकअप अब {{ pickup_date }} को "
        "{{ pickup_window }} के बीच होगा।",
    ),
    "pickup_delayed": (
        "Pickup delayed",
        "transactional",
        False,
        ["customer_name", "order_number", "pickup_window"],
        "Your pickup for order {{ order_number }} is running late",
        "Hi {{ customer_name }}, sorry: the pickup for order {{ order_number }} is running late. "
        "Expected now: {{ pickup_window }}.",
        "ऑर्डर {{ order_number }} के पिकअप में देरी",
        "नमस्ते {{ customer_name }}, क्षमा करें: ऑर्डर {{ order_number }} के पिकअप में देरी हो रही है। "
        "अब अनुमानित समय: {{ pickup_window }}।",
    ),
    "inspection_price": (
        "Inspection price",
        "transactional",
        False,
        ["customer_name", "order_number", "final_price"],
        "Inspection price for order {{ order_number }}",
        "Hi {{ customer_name }}, after inspection the price for order {{ order_number }} is "
        "Rs {{ final_price }}. Accept it with the pickup partner to be paid now, or cancel at no cost.",
        "ऑर्डर {{ order_number }} की जाँच के बाद की कीमत",
        "नमस्ते {{ customer_name }}, जाँच के बाद ऑर्डर {{ order_number }} की कीमत ₹{{ final_price }} है। "
        "तुरंत भुगतान के लिए पिकअप पार्टनर के साथ इसे स्वीकार करें, या बिना किसी शुल्क के रद्द करें।",
    ),
    "payment_done": (
        "Payment made",
        "transactional",
        False,
        ["customer_name", "order_number", "amount", "payment_reference"],
        "Payment of Rs {{ amount }} for order {{ order_number }}",
        "Hi {{ customer_name }}, we have paid Rs {{ amount }} for order {{ order_number }} "
        "(reference {{ payment_reference }}). Thank you!",
        "ऑर्डर {{ order_number }} के लिए ₹{{ amount }} का भुगतान",
        "नमस्ते {{ customer_name }}, ऑर्डर {{ order_number }} के लिए ₹{{ amount }} का भुगतान कर दिया गया है "
        "(रेफ़रेंस {{ payment_reference }})। धन्यवाद!",
    ),
    "order_cancelled": (
        "Order cancelled",
        "transactional",
        False,
        ["customer_name", "order_number"],
        "Order {{ order_number }} is cancelled",
        "Hi {{ customer_name }}, your order {{ order_number }} is cancelled. "
        "You can place a new one any time in the app.",
        "ऑर्डर {{ order_number }} रद्द कर दिया गया है",
        "नमस्ते {{ customer_name }}, आपका ऑर्डर {{ order_number }} रद्द कर दिया गया है। "
        "आप कभी भी ऐप में नया ऑर्डर दे सकते हैं।",
    ),
    "feedback_request": (
        "Feedback request",
        "transactional",
        True,
        ["customer_name", "order_number"],
        "How was your pickup for order {{ order_number }}?",
        "Hi {{ customer_name }}, thank you for selling with us (order {{ order_number }}). "
        "How did we do? Reply with a rating from 1 to 5.",
        "ऑर्डर {{ order_number }} का अनुभव कैसा रहा?",
        "नमस्ते {{ customer_name }}, हमारे साथ डिवाइस बेचने के लिए धन्यवाद (ऑर्डर {{ order_number }})। "
        "हमारी सेवा कैसी रही? 1 से 5 तक रेटिंग भेजें।",
    ),
    "ticket_resolved": (
        "Ticket resolved",
        "transactional",
        False,
        ["customer_name", "ticket_number"],
        "Your request {{ ticket_number }} is resolved",
        "Hi {{ customer_name }}, your request {{ ticket_number }} is resolved. "
        "Reply to this message if anything is still not right.",
        "आपका अनुरोध {{ ticket_number }} हल हो गया है",
        "नमस्ते {{ customer_name }}, आपका अनुरोध {{ ticket_number }} हल हो गया है। "
        "अगर अब भी कुछ ठीक नहीं है तो इस संदेश का जवाब दें।",
    ),
    "csat_survey": (
        "Satisfaction survey",
        "transactional",
        True,
        ["customer_name", "ticket_number"],
        "How did we handle {{ ticket_number }}?",
        "Hi {{ customer_name }}, how satisfied are you with how we handled {{ ticket_number }}? "
        "Reply with 1 (not at all) to 5 (very).",
        "हमने {{ ticket_number }} को कैसे संभाला?",
        "नमस्ते {{ customer_name }}, हमने {{ ticket_number }} को जिस तरह संभाला, उससे आप कितने संतुष्ट हैं? "
        "1 (बिल्कुल नहीं) से 5 (बहुत) तक जवाब दें।",
    ),
    "followup_reminder": (
        "Follow-up reminder",
        "promotional",
        True,
        ["customer_name", "device"],
        "Still thinking about selling your {{ device }}?",
        "Hi {{ customer_name }}, your quote for the {{ device }} is waiting in the app. "
        "Book a free pickup when you are ready.",
        "क्या आप अब भी अपना {{ device }} बेचना चाहते हैं?",
        "नमस्ते {{ customer_name }}, आपके {{ device }} का कोटेशन ऐप में आपका इंतज़ार कर रहा है। "
        "जब चाहें, मुफ़्त पिकअप बुक करें।",
    ),
    "campaign_offer": (
        "Campaign offer",
        "promotional",
        True,
        ["customer_name", "offer"],
        "An offer for you",
        "Hi {{ customer_name }}, {{ offer }}",
        "आपके लिए एक ऑफ़र",
        "नमस्ते {{ customer_name }}, {{ offer }}",
    ),
}


def seed(apps, schema_editor):
    MessageKind = apps.get_model("messaging", "MessageKind")
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    for key, (name, category, dnc, variables, en_subj, en_body, hi_subj, hi_body) in KINDS.items():
        kind, _ = MessageKind.objects.update_or_create(
            key=key,
            defaults={
                "name": name,
                "category": category,
                "honours_do_not_contact": dnc,
                "default_channels": SMS_WA_EMAIL,
                "variables": variables,
            },
        )
        for language, subject, body in (("en", en_subj, en_body), ("hi", hi_subj, hi_body)):
            MessageTemplate.objects.update_or_create(
                kind=kind, language=language, channel="", defaults={"subject": subject, "body": body}
            )


def unseed(apps, schema_editor):
    apps.get_model("messaging", "MessageKind").objects.filter(key__in=list(KINDS)).delete()


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
