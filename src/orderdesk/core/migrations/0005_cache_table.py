"""The shared cache's table (settings.CACHES: throttles count there across gunicorn workers).

``createcachetable`` is idempotent and does nothing for a non-database cache backend, so
running it from a migration spares every deployment a separate step."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_periodicjobstate")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
