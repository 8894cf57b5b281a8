"""The database cache's tables (the rate limits' and the page copies'), made by `migrate`.

Only `createcachetable` made them before, so an installation upgraded the usual way (pull,
`migrate`, restart) answered 500 on every public page until someone also ran it. Made as
that command makes them, skipped when present (it stays harmless to run), named as the
settings name them (crowdfund/caching.py), and made with REDIS_URL set too, so that a later
switch away from Redis finds them. Not removed when unapplied: they hold no schema of ours.
"""

from django.core.management import call_command
from django.db import migrations

from crowdfund.caching import database_cache_tables


def create_cache_tables(apps, schema_editor):
    for table in database_cache_tables():
        call_command(
            "createcachetable", table, database=schema_editor.connection.alias, verbosity=0
        )


class Migration(migrations.Migration):
    dependencies = [("crowdfund", "0001_content_version")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
