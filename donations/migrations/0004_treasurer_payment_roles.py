"""Treasurers see the payment audit trail and refunds; editors still see no money."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW_ONLY = ["paymentevent", "statuschange", "refund"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    treasurers, _ = Group.objects.get_or_create(name="Treasurers")
    treasurers.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="donations",
            codename__in=[f"view_{model}" for model in VIEW_ONLY],
        )
    )


class Migration(migrations.Migration):
    dependencies = [("donations", "0003_online_payments")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
