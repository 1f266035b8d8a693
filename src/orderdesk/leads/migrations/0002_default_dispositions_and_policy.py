"""Seed the SPEC §3 default disposition tree (with the SOP's scripts) and contact policy v1.

A frozen copy of ``leads.rules.DEFAULT_DISPOSITIONS`` at the time of writing: migrations
must not change meaning when the code moves on (a test checks the two still agree).
"""

import datetime as dt

from django.db import migrations
from django.utils import timezone

DISPOSITIONS = [{'key': 'will_place_order',
  'label': 'Customer Will Place Order',
  'group': 'connected',
  'requires_notes': True,
  'agent_selectable': True,
  'position': 1,
  'script': "Perfect 👍 If you need any help, I'm here.\n"
            'If anything blocks you, just reply or I can assist.',
  'guidance': 'SOP §4. Acknowledge & support. Set a light follow-up: ask permission for a '
              'follow-up time (same day/next day). Do not push manual creation: offer help, not '
              'pressure. 1 gentle follow-up only (call or WhatsApp). If still not placed → move to '
              'Waiting for Quote or close politely. If placed → update to Already Ordered.',
  'notes_example': 'Customer will place order themselves today. Asked for follow-up tomorrow 11 AM '
                   '(if not placed).'},
 {'key': 'already_ordered',
  'label': 'Already Placed an Order',
  'group': 'connected',
  'requires_notes': True,
  'agent_selectable': True,
  'position': 2,
  'script': 'Great! Thanks for confirming.\nCould you share your Order ID, if you have it?',
  'guidance': 'SOP §5. Congratulate & confirm. Verify lightly: ask for the Order ID (if available) '
              'or confirm pickup details. Stop selling: no upsell, no re-creation, no additional '
              'persuasion. Sales hands off; Ops/CX owns the journey. Sales should not follow up '
              'again unless asked. If no order is found: ask the customer to wait; the system '
              'escalates to CX (SOP §7 case 1).',
  'notes_example': 'Customer confirmed order placed. Pickup scheduled.'},
 {'key': 'create_order',
  'label': 'Create Order',
  'group': 'connected',
  'requires_notes': True,
  'agent_selectable': False,
  'position': 3,
  'script': '',
  'guidance': 'SOP §6: Do not mark Create Order without creating one. The system sets this '
              'disposition when you create the order from this lead; you never pick it.',
  'notes_example': ''},
 {'key': 'waiting_for_quote',
  'label': 'Waiting for Quote',
  'group': 'connected',
  'requires_notes': True,
  'agent_selectable': True,
  'position': 4,
  'script': "No problem. I'll share the estimate so you can decide in your own time.",
  'guidance': 'The customer wants or is waiting on a price before deciding. Also the outcome when '
              'a Will Place Order has had its one follow-up and is still not placed (SOP §4, §7 '
              'case 2). Do not re-pitch or renegotiate (SOP §6).',
  'notes_example': 'Wants the estimate for the 256 GB variant on WhatsApp before deciding.'},
 {'key': 'not_interested',
  'label': 'Not Interested',
  'group': 'connected',
  'requires_notes': True,
  'agent_selectable': True,
  'position': 5,
  'script': "Thank you for your time. If you change your mind, we're one call away.",
  'guidance': 'Close politely. Do not re-pitch or renegotiate (SOP §6).',
  'notes_example': 'Sold the phone to a local shop last week; does not want to sell now.'},
 {'key': 'wrong_person',
  'label': 'Wrong Person',
  'group': 'connected',
  'requires_notes': True,
  'agent_selectable': True,
  'position': 6,
  'script': 'Sorry to have disturbed you. Have a good day.',
  'guidance': 'The person who answered is not the customer. Do not share the quote.',
  'notes_example': 'Person said the number belongs to him for 2 years; no such customer.'},
 {'key': 'no_answer',
  'label': 'No Answer',
  'group': 'not_connected',
  'requires_notes': False,
  'agent_selectable': True,
  'position': 1,
  'script': '',
  'guidance': 'Rang out. Try again later within calling hours and the daily attempt limit.',
  'notes_example': ''},
 {'key': 'busy',
  'label': 'Busy',
  'group': 'not_connected',
  'requires_notes': False,
  'agent_selectable': True,
  'position': 2,
  'script': '',
  'guidance': 'Line busy or call rejected. Try again later, within the contact policy.',
  'notes_example': ''},
 {'key': 'switched_off',
  'label': 'Switched Off',
  'group': 'not_connected',
  'requires_notes': False,
  'agent_selectable': True,
  'position': 3,
  'script': '',
  'guidance': 'Phone off or not reachable. Try again later, within the contact policy.',
  'notes_example': ''},
 {'key': 'invalid_number',
  'label': 'Invalid Number',
  'group': 'not_connected',
  'requires_notes': False,
  'agent_selectable': True,
  'position': 4,
  'script': '',
  'guidance': 'The number does not exist or is not in service. The lead is closed.',
  'notes_example': ''}]


def seed(apps, schema_editor):
    Disposition = apps.get_model("leads", "Disposition")
    ContactPolicy = apps.get_model("leads", "ContactPolicy")
    for row in DISPOSITIONS:
        Disposition.objects.update_or_create(key=row["key"], defaults=row)
    if not ContactPolicy.objects.exists():
        ContactPolicy.objects.create(
            version=1,
            calling_hours_start=dt.time(9, 0),
            calling_hours_end=dt.time(21, 0),
            max_attempts_per_lead_per_day=3,
            follow_up_early_minutes=15,
            follow_up_missed_after_minutes=120,
            effective_from=timezone.now() - dt.timedelta(days=365),
            change_note="SPEC §3 D9 defaults",
        )


def unseed(apps, schema_editor):
    apps.get_model("leads", "ContactPolicy").objects.filter(version=1).delete()
    apps.get_model("leads", "Disposition").objects.filter(
        key__in=[row["key"] for row in DISPOSITIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
