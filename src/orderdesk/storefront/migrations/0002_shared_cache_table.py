"""The shared cache's table (settings CACHES["shared"]: the rate-limit counters every
worker sees). ``createcachetable`` is idempotent and skips caches that are not in the
database (Redis, memcached)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("storefront", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
