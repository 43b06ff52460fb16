from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    """Create the table of any database cache in CACHES, so `migrate` is the only set-up step."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
