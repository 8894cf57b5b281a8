"""Treasurers read the journal; nobody may add, change or delete an entry by hand."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    treasurers, _ = Group.objects.get_or_create(name="Treasurers")
    treasurers.permissions.add(
        *Permission.objects.filter(content_type__app_label="ledger", codename="view_ledgerentry")
    )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_journal_backfill"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
