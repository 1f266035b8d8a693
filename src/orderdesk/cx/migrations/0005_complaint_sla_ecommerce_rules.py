"""Complaint SLA defaults from India's Consumer Protection (E-Commerce) Rules 2020: a
complaint at normal or low priority is acknowledged within 48 hours and redressed within one
month (30 days). Saved as the next version of each pair, in force from when this migration
runs (tickets already opened keep the promise they were given). A pair an admin has already
changed (latest version is not the shipped version 1) is left alone."""

from django.db import migrations
from django.utils import timezone

# Mirrors cx.rules at the time of writing (migrations must not import live rules).
NEW = {("complaint", "normal"): (2880, 43200), ("complaint", "low"): (2880, 43200)}
NOTE = "E-Commerce Rules 2020: acknowledge within 48 hours, redress within one month."


def forwards(apps, schema_editor):
    SlaPolicy = apps.get_model("cx", "SlaPolicy")
    now = timezone.now()
    for (ticket_type, priority), (first, resolution) in NEW.items():
        latest = (
            SlaPolicy.objects.filter(ticket_type=ticket_type, priority=priority)
            .order_by("-version")
            .first()
        )
        if latest is not None and latest.version != 1:
            continue  # an admin's version stands
        SlaPolicy.objects.create(
            ticket_type=ticket_type,
            priority=priority,
            version=(latest.version + 1) if latest else 1,
            first_response_minutes=first,
            resolution_minutes=resolution,
            effective_from=now,
            change_note=NOTE,
        )


def backwards(apps, schema_editor):
    SlaPolicy = apps.get_model("cx", "SlaPolicy")
    SlaPolicy.objects.filter(change_note=NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [("cx", "0004_sla_policies_and_message_kinds")]

    operations = [migrations.RunPython(forwards, backwards)]
