# S4: the append-only triggers let one sanctioned redaction through (see AuditRedaction).

from django.db import migrations, models

FROZEN = ("id", "at", "actor_id", "actor_label", "via", "ip", "action", "object_type", "object_id")

SQLITE = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
    # Same name as migration 0002's trigger, so re-running 0002's CREATE ... IF NOT EXISTS keeps this one.
    "CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
    "WHEN NOT EXISTS (SELECT 1 FROM core_auditredaction WHERE open = 1) OR "
    + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN)
    + " BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
    "CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION core_auditevent_refuse_change() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE'
            AND EXISTS (SELECT 1 FROM core_auditredaction WHERE open)
            AND (%s) IS NOT DISTINCT FROM (%s) THEN
           RETURN NEW;
         END IF;
         RAISE EXCEPTION 'audit events are append-only';
       END; $$ LANGUAGE plpgsql;"""
    % (", ".join(f"NEW.{c}" for c in FROZEN), ", ".join(f"OLD.{c}" for c in FROZEN)),
]
POSTGRES_REVERSE = [
    """CREATE OR REPLACE FUNCTION core_auditevent_refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;""",
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}.get(
        schema_editor.connection.vendor, []
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_auditevent_append_only"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditRedaction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(auto_now_add=True)),
                (
                    "reason",
                    models.CharField(help_text="e.g. customer.erase, retention", max_length=80),
                ),
                ("object_type", models.CharField(max_length=80)),
                ("object_id", models.CharField(max_length=64)),
                (
                    "events",
                    models.PositiveIntegerField(default=0, help_text="audit events redacted"),
                ),
                ("open", models.BooleanField(default=True)),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
