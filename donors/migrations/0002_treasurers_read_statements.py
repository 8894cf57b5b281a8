"""Treasurers see issued annual statements and erasure requests (read-only)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TREASURER = {"annualstatement": ["view"], "erasurerequest": ["view"]}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    treasurers, _ = Group.objects.get_or_create(name="Treasurers")
    codenames = [f"{action}_{model}" for model, actions in TREASURER.items() for action in actions]
    treasurers.permissions.add(
        *Permission.objects.filter(content_type__app_label="donors", codename__in=codenames)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("donors", "0001_statements_and_erasure_requests"),
        ("donations", "0020_monthly_treasurer_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
